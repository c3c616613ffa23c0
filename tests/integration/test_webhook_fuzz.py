"""Hostile and random webhooks (hypothesis): never a 500, nothing lost, nothing a browser
would run. Signed correctly, so they reach the parsing and the storing."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.messaging.models import Message
from bot.simulator import inbound_form, new_message_sid
from tests.integration.test_webhooks import MESSAGES_URL, STATUS_URL, post_signed

pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)

HOSTILE = [
    "<script>alert(1)</script>",
    "'); DROP TABLE messages; --",
    "\u202eعكس\u202c",  # right-to-left override
    "\x00\x01\x07\x1b[31m",
    "😀" * 500,
    "%s%s%n",
    "{title}{0}{__class__}",
    "A" * 200_000,
]
text = st.one_of(st.text(max_size=300), st.sampled_from(HOSTILE))
fields = st.fixed_dictionaries(
    {},
    optional={
        "Body": text,
        "ProfileName": text,
        "NumMedia": st.one_of(st.integers(-5, 150).map(str), text),
        "Latitude": st.one_of(st.floats(allow_nan=True).map(str), text),
        "Longitude": st.one_of(st.floats(allow_infinity=True).map(str), text),
        "WaId": text,
        "SmsStatus": text,
    },
)
FUZZ = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@FUZZ
@given(extra=fields, media=st.integers(0, 100), phone=st.sampled_from(["+212600001234", "x"]))
def test_hostile_inbound_webhooks_never_fail(client, extra, media, phone) -> None:  # type: ignore[no-untyped-def]
    form = inbound_form("+212600001234", "whatsapp", "salam")
    if phone == "x":
        form["From"] = "whatsapp:not-a-number"
    form.update(extra)
    for i in range(media):
        form[f"MediaUrl{i}"] = f"https://api.twilio.com/media/{i}?<b>"
        form[f"MediaContentType{i}"] = "image/jpeg"
    response = post_signed(client, MESSAGES_URL, form)
    assert response.status_code in (200, 400, 413), response.status_code


@FUZZ
@given(status=text, code=st.one_of(text, st.integers().map(str)), sid=text)
def test_hostile_status_callbacks_never_fail(client, status, code, sid) -> None:  # type: ignore[no-untyped-def]
    form = {"MessageSid": sid, "MessageStatus": status, "ErrorCode": code}
    assert post_signed(client, STATUS_URL, form).status_code in (204, 400, 413)


def test_invalid_utf8_is_read_not_crashed_on(client, session: Session) -> None:  # type: ignore[no-untyped-def]
    from bot.simulator import sign
    from tests.conftest import AUTH_TOKEN

    sid = new_message_sid()
    raw = f"MessageSid={sid}&From=%2B212600009999&To=%2B2125&Body=%FF%FE%C3%28bad".encode()
    # What the app reads: werkzeug keeps percent-escapes that are not UTF-8 as they came.
    read = {
        "MessageSid": sid,
        "From": "+212600009999",
        "To": "+2125",
        "Body": "%FF%FE%C3(bad",
    }
    response = client.post(
        "/webhooks/twilio/messages",
        data=raw,
        content_type="application/x-www-form-urlencoded",
        headers={"X-Twilio-Signature": sign(AUTH_TOKEN, MESSAGES_URL, read)},
    )
    assert response.status_code == 200
    stored = session.scalar(select(Message).where(Message.twilio_sid == sid))
    assert stored is not None and stored.body == "%FF%FE%C3(bad"


def test_a_script_in_her_name_and_message_is_shown_as_text_in_the_console(  # type: ignore[no-untyped-def]
    client, session: Session
) -> None:
    from tests.integration.test_console_inbox import waiting
    from tests.support.console import signed_in

    script = "<script>alert('x')</script>"
    handoff = waiting(session, "+212600004321", name=script, body=f"salam {script}")
    signed_in(client, session, "admin")
    for path in (f"/console/handoffs/{handoff.id}", "/console/", "/console/conversations"):
        page = client.get(path).get_data(as_text=True)
        assert script not in page, path
    page = client.get(f"/console/handoffs/{handoff.id}").get_data(as_text=True)
    assert "&lt;script&gt;" in page
    stored = session.scalars(select(Message.body).where(Message.direction == "in")).all()
    assert f"salam {script}" in stored  # kept as she wrote it, only shown escaped
