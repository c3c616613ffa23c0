"""The simulator shows her thread as her phone would: a message appears once it has left."""

from __future__ import annotations

from sqlalchemy.orm import Session

from bot.messaging.models import Message
from tests.integration.test_processing import receive


def test_the_thread_stops_at_the_first_message_still_waiting_to_be_sent(  # type: ignore[no-untyped-def]
    client, session: Session
) -> None:
    inbound = receive(session, "salam", phone="+212600007001")

    def out(body: str, status: str) -> Message:
        message = Message(
            conversation_id=inbound.conversation_id, beneficiary_id=inbound.beneficiary_id,
            direction=Message.OUTBOUND, channel=inbound.channel, body=body, status=status,
        )  # fmt: skip
        session.add(message)
        session.commit()
        return message

    out("reply", Message.SENT)
    waiting = out("a reminder queued for the morning", Message.PENDING)
    out("later", Message.OUTBOX)

    def shown() -> list[str]:
        rows = client.get("/simulator/messages?phone=%2B212600007001").get_json()["messages"]
        return [row["body"] for row in rows]

    assert shown() == ["salam", "reply"]
    waiting.status = Message.SENT
    session.commit()
    assert shown() == ["salam", "reply", "a reminder queued for the morning", "later"]
