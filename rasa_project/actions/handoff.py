"""She asks for a person (or the bot failed her three times): a counsellor takes over."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import select

from bot.db import utcnow
from bot.handoffs import services
from bot.handoffs.models import Handoff
from bot.handoffs.notices import opening_notice
from bot.messaging.models import Conversation
from bot.messaging.services import latest_conversation
from bot.runtime import get_runtime
from rasa_project.actions.context import her_record, metadata


def hand_over(dispatcher: CollectingDispatcher, tracker: Tracker, reason: str) -> list[EventType]:
    """Hold her conversation for a counsellor and tell her when one will answer."""
    channel = metadata(tracker).get("channel")
    with her_record(tracker) as (session, beneficiary):
        conversation = None
        if beneficiary is not None:
            conversation = session.scalar(
                select(Conversation).where(
                    Conversation.beneficiary_id == beneficiary.id, Conversation.channel == channel
                )
            ) or latest_conversation(session, beneficiary.id)
        if conversation is None:
            dispatcher.utter_message(response="utter_default")
            return [SlotSet("menu", None)]
        services.open_handoff(session, conversation, reason)
        session.commit()
    name, values = opening_notice(reason, get_runtime().office_hours, utcnow())
    dispatcher.utter_message(response=name, **values)
    return [SlotSet("menu", None)]


class ActionRequestHuman(Action):
    def name(self) -> str:
        return "action_request_human"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        return hand_over(dispatcher, tracker, Handoff.REQUESTED)
