"""A broadcast sent to the staff member writing it, to see it on a real phone first.

Nothing is stored as a message: she is not a beneficiary. The same sender sends it, the
same way a woman outside her 24-hour window would get it (template on WhatsApp when the
broadcast has one, else free text; SMS as written).
"""

from __future__ import annotations

from bot.broadcasts.models import Broadcast
from bot.broadcasts.preview import text_in
from bot.messaging.models import Conversation, Message
from bot.messaging.senders import Sender, SendResult


def send_trial(
    sender: Sender, broadcast: Broadcast, phone: str, language: str, channel: str
) -> SendResult:
    """Raises TransientSendError when Twilio cannot be reached."""
    message = Message(
        direction=Message.OUTBOUND,
        channel=channel,
        body=text_in(broadcast, language),
        media=[],
        status=Message.PENDING,
        language=language,
        kind=Message.BROADCAST,
        content_sid=broadcast.content_sid,
        content_variables=broadcast.content_variables or None,
        conversation=Conversation(channel=channel, last_inbound_at=None),
    )
    return sender.send(message, phone)
