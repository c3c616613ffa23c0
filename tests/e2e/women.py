"""Women writing to the programme in end-to-end tests: the four varieties, and a `Woman`
who sends signed webhooks and reads the bot's replies as they reached Twilio (Prism)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from bot.beneficiaries.models import Beneficiary
from bot.i18n import render
from bot.messaging.models import Message
from bot.simulator import inbound_form, post_signed
from tests.e2e.conftest import AUTH_TOKEN, Stack
from tests.e2e.test_walking_skeleton import wait_for
from tests.support.twilio_mock import RecordingProxy


@dataclass(frozen=True)
class Variety:
    code: str
    channel: str
    language_digit: str
    profile_name: str | None
    greet: str
    register: str
    name: str
    other_name: str
    age: str
    age_value: int
    bad_age: str
    city: str
    city_code: str
    unknown_city: str
    name_correction: str
    goodbye: str
    delete: str
    opt_out: str
    show_profile: str


VARIETIES = {
    "fr": Variety(
        "fr", "sms", "2", None, "Bonjour", "je voudrais m'inscrire au programme",
        "Fatima", "Khadija", "27 ans", 27, "beaucoup", "Fès", "fes", "Zzyzx",
        "je me suis trompée de prénom", "bye a bientot", "supprimer mon compte",
        "désabonnement", "je veux voir mes informations",
    ),
    "ar": Variety(
        "ar", "sms", "3", None, "السلام عليكم", "كيف اسجل في البرنامج",
        "فاطمة", "خديجة", "٢٧", 27, "كثير", "طنجة", "tanger_assilah", "كوكو",
        "غلطت في الاسم", "في أمان الله", "حذف معطياتي",
        "توقفوا عن إرسال الرسائل", "أريد أن أرى معلوماتي",
    ),
    "ary": Variety(
        "ary", "whatsapp", "1", "Khadija", "سلام", "بغيت نسجل فبرنامج من أجلك",
        "حفيظة", "نادية", "تلاتين عام", 30, "بزاف", "فاس", "fes", "ززز",
        "سميتي ماشي حفيظة", "يالله بسلامة", "حيدو المعلومات ديالي",
        "حبسو الميساجات", "شنو عندكم عليا؟",
    ),
    "ary_Latn": Variety(
        "ary_Latn", "whatsapp", "1", "Sara B", "salam", "bghit nsjel f min ajliki",
        "Samira", "Houda", "32", 32, "bzaf", "dar lbida", "casablanca", "Zzyzx",
        "smiti machi Samira", "yallah bslama", "bghit nms7 lcompte dyali",
        "7bso lmessagat", "bghit nchof les infos dyali",
    ),
}  # fmt: skip


@dataclass
class Woman:
    """One woman writing to the programme; `say` returns the bot's replies to that message."""

    stack: Stack
    twilio: RecordingProxy
    sessions: sessionmaker[Session]
    phone: str
    variety: Variety
    seen: int = 0
    said: list[str] = field(default_factory=list)

    @property
    def address(self) -> str:
        return f"whatsapp:{self.phone}" if self.variety.channel == "whatsapp" else self.phone

    def say(self, body: str) -> list[str]:
        form = inbound_form(
            self.phone, self.variety.channel, body, profile_name=self.variety.profile_name
        )
        return self._post(form, body)

    def _post(self, form: dict[str, str], body: str) -> list[str]:
        """Send one signed webhook; return the bot's replies to it, as Twilio got them."""
        url = self.stack.web_url + "/webhooks/twilio/messages"
        assert post_signed(url, form, AUTH_TOKEN).status_code == 200
        self.said.append(body)
        with self.sessions() as session:  # stored before the webhook answered
            inbound_id = session.scalar(
                select(Message.id).where(Message.twilio_sid == form["MessageSid"])
            )
        assert inbound_id is not None
        assert wait_for(lambda: self._answered(inbound_id), timeout=60), self._debug(body)
        expected = self.seen + self._sent_count(inbound_id)
        assert wait_for(lambda: len(self.twilio.messages_to(self.address)) >= expected), (
            self._debug(body)
        )
        calls = self.twilio.messages_to(self.address)
        assert all(call.status == 201 for call in calls), [c.response for c in calls]
        replies = [call.form["Body"][0] for call in calls[self.seen :]]
        self.seen = len(calls)
        return replies

    def share_location(self, latitude: float, longitude: float) -> list[str]:
        """A WhatsApp location: no text, Latitude and Longitude."""
        form = inbound_form(self.phone, self.variety.channel, "", profile_name=None)
        form.update({"Latitude": str(latitude), "Longitude": str(longitude)})
        return self._post(form, "(location)")

    def wait_for_unsolicited(self, count: int = 1) -> list[str]:
        """What reached her without her writing (a reminder, a notice)."""
        expected = self.seen + count
        assert wait_for(lambda: len(self.twilio.messages_to(self.address)) >= expected), (
            self._debug("(waiting for a message sent to her)")
        )
        calls = self.twilio.messages_to(self.address)
        replies = [call.form["Body"][0] for call in calls[self.seen :]]
        self.seen = len(calls)
        return replies

    def _answered(self, inbound_id: int) -> bool:
        """Her message is handled and none of its replies waits to be sent."""
        with self.sessions() as session:
            inbound = session.get(Message, inbound_id)
            if inbound is None or inbound.status != Message.HANDLED:
                return False
            return self._replies(session, inbound_id, waiting=True) == 0

    def _sent_count(self, inbound_id: int) -> int:
        with self.sessions() as session:
            return self._replies(session, inbound_id, waiting=False)

    @staticmethod
    def _replies(session: Session, inbound_id: int, waiting: bool) -> int:
        unsent = Message.status.in_((Message.PENDING, Message.SUBMITTING))
        return (
            session.scalar(
                select(func.count())
                .select_from(Message)
                .where(Message.reply_to_id == inbound_id, unsent if waiting else ~unsent)
            )
            or 0
        )

    def record(self) -> Beneficiary:
        with self.sessions() as session:
            found = session.scalar(select(Beneficiary).where(Beneficiary.phone == self.phone))
            assert found is not None
            session.expunge(found)
            return found

    def _debug(self, body: str) -> str:
        return f"no complete answer to {body!r} (said {self.said})\n{self.stack.logs()}"


def texts(language_code: str, *names: str, **values: Any) -> list[str]:
    """What she must read: each response rendered as the NLG endpoint renders it."""
    rendered = [render(name, language_code, **values) for name in names]
    assert None not in rendered, names
    return rendered  # type: ignore[return-value]
