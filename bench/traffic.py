"""Simulated women writing to the programme, and what became of each of their messages.

Each woman has a short first conversation in her variety (greeting, language digit,
"I want to register", consent, name…) and writes her next message a few seconds after
the bot's answer to the last one reached Twilio. Messages go out open-loop: one every
1/rate seconds whatever the answers; when no woman is ready to write, a new one starts.

The generator plays Twilio: it signs each webhook with the account's auth token, and a
process of its own (bench/sender.py) posts it when due and, when the webhook does not
answer 2xx, retries as Twilio does for a webhook URL carrying the connection overrides
`#rc=5&rp=all` (at most 5 retries, all within the 15 s total time).
"""

from __future__ import annotations

import random
import threading
import time
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from bench.sender import LEAD, Answer, Job, SenderProcess, TwilioRetry, accepted
from bench.twilio_mock import RecordedCall, RecordingProxy
from bot.i18n import gettext
from bot.messaging.models import Message
from bot.responses import ANSWER_SOON
from bot.simulator import inbound_form, sign

# variety → (channel, WhatsApp profile name, her messages in order)
SCRIPTS: dict[str, tuple[str, str | None, tuple[str, ...]]] = {
    "fr": ("sms", None, ("Bonjour", "2", "je voudrais m'inscrire au programme", "1",
                         "Fatima", "27 ans")),
    "ar": ("sms", None, ("السلام عليكم", "3", "كيف اسجل في البرنامج", "1", "فاطمة", "٢٧")),
    "ary": ("whatsapp", "Khadija", ("سلام", "1", "بغيت نسجل فبرنامج من أجلك", "1", "2",
                                    "حفيظة")),
    "ary_Latn": ("whatsapp", "Sara B", ("salam", "1", "bghit nsjel f min ajliki", "1", "2",
                                        "Samira")),
}  # fmt: skip
VARIETIES = tuple(SCRIPTS)


def holding_texts() -> dict[str, str]:
    """The "we will answer soon" notice as she must read it, per language."""
    return {code: gettext(ANSWER_SOON, code) for code in VARIETIES}


@dataclass
class Sent:
    """One message she sent, and what the webhook answered (after Twilio's retries)."""

    sid: str
    phone: str
    variety: str
    turn: int
    scheduled: float  # wall-clock time it was due (open-loop: latency counts from here)
    status: int | None = None  # the last HTTP status, None when never answered
    answer_ms: float | None = None  # the first attempt's answer time
    attempts: int = 0

    @property
    def accepted(self) -> bool:
        return accepted(self.status)


@dataclass
class Woman:
    phone: str
    variety: str
    turn: int = 0
    waiting_since: float | None = None
    ready_at: float = 0.0

    @property
    def channel(self) -> str:
        return SCRIPTS[self.variety][0]

    @property
    def address(self) -> str:
        return f"whatsapp:{self.phone}" if self.channel == "whatsapp" else self.phone

    @property
    def done(self) -> bool:
        return self.turn >= len(SCRIPTS[self.variety][2])


class Traffic:
    """Open-loop signed webhooks from many women; `sent` keeps every message."""

    def __init__(
        self,
        webhook_url: str,
        auth_token: str,
        proxy: RecordingProxy,
        retry: TwilioRetry,
        think: tuple[float, float] = (2.0, 4.0),
        phone_prefix: str = "+2126",
    ) -> None:
        self.url = webhook_url
        self.auth_token = auth_token
        self.proxy = proxy
        self.think = think
        self.random = random.Random(42)
        self.women: dict[str, Woman] = {}  # by address
        self.ready: list[Woman] = []
        self.sent: list[Sent] = []
        self._cursor = 0
        self._holding = set(holding_texts().values())
        self._phone_prefix = phone_prefix
        self._lock = threading.Lock()
        self._pending: dict[str, Sent] = {}  # by SID: handed to the sender, not answered
        self._sender = SenderProcess(webhook_url, retry, self._answered)

    # -- the women ---------------------------------------------------------------------

    def _new_woman(self) -> Woman:
        variety = VARIETIES[len(self.women) % len(VARIETIES)]
        woman = Woman(f"{self._phone_prefix}{len(self.women) + 1:08d}", variety)
        self.women[woman.address] = woman
        return woman

    def _notice_answers(self, now: float) -> None:
        """Read what reached "Twilio" since last time: a bot reply ends her wait."""
        calls = self.proxy.snapshot()
        for call in calls[self._cursor :]:
            if call.method != "POST" or call.status != 201:
                continue
            woman = self.women.get(call.form.get("To", [""])[0])
            body = call.form.get("Body", [""])[0]
            if woman is None or woman.waiting_since is None or body in self._holding:
                continue  # the holding notice is not the answer she waits for
            if call.at.timestamp() >= woman.waiting_since:
                woman.waiting_since = None
                if not woman.done:
                    woman.ready_at = now + self.random.uniform(*self.think)
                    self.ready.append(woman)
        self._cursor = len(calls)

    def _next_woman(self, now: float) -> Woman:
        for index, woman in enumerate(self.ready):
            if woman.ready_at <= now:
                return self.ready.pop(index)
        return self._new_woman()

    # -- sending -----------------------------------------------------------------------

    def run(self, rate: float, duration: float) -> list[Sent]:
        """Send at `rate` messages a second for `duration` seconds; return those sent
        (their answers may still be coming: `wait_for_webhooks`)."""
        started = time.time() + LEAD
        batch: list[Sent] = []
        count = int(rate * duration)
        for index in range(count):
            due = started + index / rate
            delay = due - LEAD - time.time()  # handed over a moment before it is due
            if delay > 0:
                time.sleep(delay)
            self._notice_answers(time.time())
            woman = self._next_woman(due)
            text = SCRIPTS[woman.variety][2][woman.turn]
            form = inbound_form(woman.phone, woman.channel, text,
                                profile_name=SCRIPTS[woman.variety][1])  # fmt: skip
            sent = Sent(form["MessageSid"], woman.phone, woman.variety, woman.turn, due)
            woman.turn += 1
            woman.waiting_since = due
            batch.append(sent)
            with self._lock:
                self.sent.append(sent)
                self._pending[sent.sid] = sent
            # Signed for the URL without its fragment: a fragment never travels in a
            # request, so the webhook can only check the signature against the URL.
            signature = sign(self.auth_token, self.url, form)
            self._sender.submit(Job(sent.sid, due, form, signature))
        return batch

    def idle(self, seconds: float) -> None:
        """Let time pass while still noticing answers (women become ready again)."""
        deadline = time.time() + seconds
        while time.time() < deadline:
            self._notice_answers(time.time())
            time.sleep(0.2)

    def wait_for_webhooks(self, timeout: float = 60) -> None:
        deadline = time.time() + timeout
        while self._pending and time.time() < deadline:
            time.sleep(0.05)

    def close(self) -> None:
        self._sender.close()

    def _answered(self, answer: Answer) -> None:
        with self._lock:
            sent = self._pending.pop(answer.sid)
        sent.status = answer.status
        sent.answer_ms = answer.answer_ms
        sent.attempts = answer.attempts


# -- what became of them ---------------------------------------------------------------


@dataclass
class Outcome:
    """Per message she sent: stored? answered (first bot reply at Twilio)? and per woman
    what was sent twice and which holding notices she got."""

    sent: int = 0
    rejected: int = 0  # never answered 2xx, even after Twilio's retries
    lost_inbound: int = 0  # not in the database at the end
    unanswered: int = 0  # stored, but no bot reply reached Twilio
    duplicates: int = 0  # creates at Twilio beyond the replies the database holds
    holding: int = 0
    holding_as_replies: int = 0  # in the language her replies to that message are in
    holding_in_variety: int = 0  # in the variety she writes (once she has chosen it)
    # her POST due → the first bot reply's create at Twilio, by her message's SID
    answered: dict[str, float] = field(default_factory=dict)
    unanswered_sids: list[str] = field(default_factory=list)

    @property
    def reply_ms(self) -> list[float]:
        return list(self.answered.values())


def outcome(session: Session, sent: Iterable[Sent], calls: list[RecordedCall]) -> Outcome:
    sent = list(sent)
    result = Outcome(sent=len(sent), rejected=sum(not s.accepted for s in sent))
    creates = [c for c in calls if c.method == "POST" and c.status == 201]
    at_twilio = {c.response.get("sid"): c.at.timestamp() for c in creates}
    sids = [s.sid for s in sent]
    inbound: dict[str, Message] = {}
    for chunk in range(0, len(sids), 500):
        for message in session.scalars(
            select(Message).where(Message.twilio_sid.in_(sids[chunk : chunk + 500]))
        ):
            inbound[message.twilio_sid or ""] = message
    replies: dict[int, list[Message]] = {}
    ids = [m.id for m in inbound.values()]
    for chunk in range(0, len(ids), 500):
        for reply in session.scalars(
            select(Message).where(Message.reply_to_id.in_(ids[chunk : chunk + 500]))
        ):
            replies.setdefault(reply.reply_to_id or 0, []).append(reply)
    texts = holding_texts()
    for s in sent:
        message = inbound.get(s.sid)
        if message is None:
            result.lost_inbound += 1
            continue
        times = []
        for reply in replies.get(message.id, []):
            if reply.kind == Message.HOLDING:
                result.holding += 1
                result.holding_as_replies += reply.body == texts.get(message.language or "")
                result.holding_in_variety += reply.body == texts[s.variety]
            elif reply.twilio_sid in at_twilio:
                times.append(at_twilio[reply.twilio_sid])
        if times:
            result.answered[s.sid] = (min(times) - s.scheduled) * 1000
        else:
            result.unanswered += 1
            result.unanswered_sids.append(s.sid)
    result.duplicates = duplicates(session, {s.phone for s in sent}, creates)
    return result


def duplicates(session: Session, phones: set[str], creates: list[RecordedCall]) -> int:
    """Per woman and text: creates that reached Twilio beyond the messages stored as sent."""
    from bot.beneficiaries.models import Beneficiary

    at_twilio = Counter(
        (c.form.get("To", [""])[0].removeprefix("whatsapp:"), c.form.get("Body", [""])[0])
        for c in creates
    )
    stored: Counter[tuple[str, str]] = Counter()
    rows = session.execute(
        select(Beneficiary.phone, Message.body)
        .join(Beneficiary, Message.beneficiary_id == Beneficiary.id)
        .where(Message.direction == Message.OUTBOUND, Message.twilio_sid.is_not(None))
    )
    for phone, body in rows:
        stored[(phone, body)] += 1
    return sum(max(0, count - stored[key]) for key, count in at_twilio.items() if key[0] in phones)
