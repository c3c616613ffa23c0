"""rasa_project/minajliki_core/tracker_store.py: Rasa's SQL tracker store with its database
work in a thread — named by endpoints.yml, loaded by Rasa's own loader (an import error
there would silently give an in-memory store), on PostgreSQL, and leaving Rasa's event
loop free while PostgreSQL answers (run in the Rasa environment)."""

from __future__ import annotations

import json
import subprocess

import pytest

from bot import rasa_env
from bot.settings import Settings
from tests.support.databases import fresh_postgres_database

pytestmark = pytest.mark.rasa

CHECK = """
import asyncio, contextlib, json, sys, threading, uuid
from rasa.core.tracker_store import SQLTrackerStore, TrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import read_endpoint_config

domain = Domain.load(sys.argv[1] + "/domain")
config = read_endpoint_config(sys.argv[1] + "/endpoints.yml", "tracker_store")
store = TrackerStore.create(config, domain)
out = {"class": type(store).__module__ + "." + type(store).__name__}

sender = "test-" + uuid.uuid4().hex
tracker = DialogueStateTracker.from_events(sender, [
    ActionExecuted("action_listen"), UserUttered("salam", {"name": "greet"}),
    SlotSet("menu", "language"),
], domain.slots)

def gate(store):
    # The next session waits, in whatever thread asks for it, until the loop releases it.
    started, release = threading.Event(), threading.Event()
    original = store.session_scope
    @contextlib.contextmanager
    def gated():
        store.session_scope = original
        started.set()
        if not release.wait(3):
            raise RuntimeError("blocked")
        with original() as session:
            yield session
    store.session_scope = gated
    return started, release

async def while_waiting(store, work):
    # Another coroutine of the loop runs while the store waits for its database.
    started, release = gate(store)
    task = asyncio.ensure_future(work)
    for _ in range(100):
        if started.is_set():
            break
        await asyncio.sleep(0.01)
    release.set()
    try:
        await task
        return "loop free"
    except RuntimeError as error:
        return f"loop {error}"

async def main():
    out["save"] = await while_waiting(store, store.save(tracker))
    found = []
    async def get():
        found.append(await store.retrieve(sender))
    out["retrieve"] = await while_waiting(store, get())
    out["events"] = [e.as_dict()["event"] for e in found[0].events]
    out["slot"] = found[0].get_slot("menu")
    again = await store.retrieve(sender)
    await store.save(again)  # nothing new: nothing stored twice
    full = await store.retrieve_full_tracker(sender)
    out["stored"] = len(full.events)
    # Rasa's own store, gated the same way, holds the loop while it waits.
    plain = SQLTrackerStore(domain, host=store.engine.url.render_as_string(hide_password=False))
    out["plain"] = await while_waiting(plain, plain.retrieve(sender))

asyncio.run(main())
print(json.dumps(out))
"""


def test_rasa_loads_the_threaded_store_which_keeps_the_loop_free() -> None:
    python = rasa_env.RASA_VENV / "bin" / "python"
    if not python.exists():
        pytest.fail("the Rasa environment is missing: `make test` creates it")
    with fresh_postgres_database() as url:
        env = rasa_env.rasa_environment(Settings.from_env({"DATABASE_URL": url}))
        result = subprocess.run(
            [str(python), "-c", CHECK, str(rasa_env.RASA_PROJECT)],
            capture_output=True, text=True, timeout=300, env=env,
        )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    found = json.loads(result.stdout.strip().splitlines()[-1])
    assert found["class"] == "minajliki_core.tracker_store.ThreadedSQLTrackerStore"
    assert found["save"] == "loop free"
    assert found["retrieve"] == "loop free"
    assert found["events"] == ["action", "user", "slot"]
    assert found["slot"] == "language"
    assert found["stored"] == 3
    # The difference it makes: Rasa's own store blocks the loop (the gate times out).
    assert found["plain"] == "loop blocked"
