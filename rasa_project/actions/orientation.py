"""Orientation in the conversation: a few numbered questions, then ANAPEC, RESOFEM or both,
why, what to bring and the nearest place; her "call me"; "what next?"; a shared location.
The advice and the referrals live in bot.orientation, the places in bot.directory."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from bot.db import utcnow
from bot.directory.services import nearest_to
from bot.messaging.models import WHATSAPP
from bot.orientation import services
from bot.orientation.advice import advise
from bot.orientation.models import ANAPEC, RESOFEM, Referral
from bot.orientation.texts import place_lines, place_text, referral_lines
from rasa_project.actions.context import her_record, latest_intent, message_language, metadata
from rasa_project.actions.menus import (
    MAIN,
    ORIENT_AVAILABILITY,
    ORIENT_CONTACT,
    ORIENT_JOB,
    ORIENT_PROJECT,
    ORIENT_WANT,
)

ANSWER_SLOTS = ("orient_want", "orient_job", "orient_project")
NEAREST = 3


def _done() -> list[EventType]:
    return [SlotSet("menu", MAIN), *(SlotSet(name, None) for name in ANSWER_SLOTS)]


class ActionStartOrientation(Action):
    """The first question; "I want a job" / "I have a project" answer it already."""

    def name(self) -> str:
        return "action_start_orientation"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        with her_record(tracker) as (_, beneficiary):
            registered = beneficiary is not None and beneficiary.is_registered
        if not registered:
            dispatcher.utter_message(response="utter_orientation_need_registration")
            return _done()
        intent, _ = latest_intent(tracker)
        known = {"orientation_job": "job", "orientation_business": "business"}.get(intent or "")
        if known is not None:
            return [*_done(), *answer(dispatcher, tracker, f"want:{known}")]
        dispatcher.utter_message(response="utter_orient_want")
        return [*_done(), SlotSet("menu", ORIENT_WANT)]


def answer(dispatcher: CollectingDispatcher, tracker: Tracker, argument: str) -> list[EventType]:
    """One answer ("want:job", "project:idea" …): the next question, or the advice."""
    field, _, value = argument.partition(":")
    events: list[EventType] = [SlotSet(f"orient_{field}", value)]
    if field == "want" and value == "job":
        dispatcher.utter_message(response="utter_orient_job")
        return [*events, SlotSet("menu", ORIENT_JOB)]
    if field == "want" and value == "business":
        dispatcher.utter_message(response="utter_orient_project")
        return [*events, SlotSet("menu", ORIENT_PROJECT)]
    if field != "availability":
        dispatcher.utter_message(response="utter_orient_availability")
        return [*events, SlotSet("menu", ORIENT_AVAILABILITY)]
    answers = {name[len("orient_") :]: tracker.get_slot(name) for name in ANSWER_SLOTS}
    answers = {key: str(v) for key, v in answers.items() if v} | {"availability": value}
    return advise_her(dispatcher, tracker, answers)


def advise_her(
    dispatcher: CollectingDispatcher, tracker: Tracker, answers: dict[str, str]
) -> list[EventType]:
    language = message_language(tracker)
    with her_record(tracker) as (session, beneficiary):
        if beneficiary is None:
            dispatcher.utter_message(response="utter_orientation_need_registration")
            return _done()
        advice = advise(answers, beneficiary.situation)
        referrals = services.propose(session, beneficiary, answers, advice, utcnow())
        session.commit()
        places = {
            f"{r.partner.lower()}_place": place_text(services.point_of(session, r), language)
            for r in referrals
        }
        ids = [referral.id for referral in referrals]
    if advice.both:
        dispatcher.utter_message(response="utter_orient_both", **places)
        dispatcher.utter_message(response="utter_orient_ask_contact_both")
    else:
        partner = advice.partners[0]
        response = "utter_orient_anapec" if partner == ANAPEC else "utter_orient_resofem"
        dispatcher.utter_message(response=response, **places)
        dispatcher.utter_message(response="utter_orient_ask_contact", partner=partner)
    if metadata(tracker).get("channel") == WHATSAPP:
        dispatcher.utter_message(response="utter_orient_location_hint")
    return [*_done(), SlotSet("menu", ORIENT_CONTACT), SlotSet("orient_referrals", ids)]


def answer_contact(
    dispatcher: CollectingDispatcher, tracker: Tracker, choice: str
) -> list[EventType]:
    """Her yes sends her contact to the partners (the referrals become accepted)."""
    ids = [int(i) for i in tracker.get_slot("orient_referrals") or [] if str(i).isdigit()]
    if choice != "yes" or not ids:
        dispatcher.utter_message(response="utter_orient_contact_not_sent")
        return [*_done(), SlotSet("orient_referrals", None)]
    with her_record(tracker) as (session, beneficiary):
        referrals = [
            referral
            for referral in (session.get(Referral, i) for i in ids)
            if referral is not None
            and beneficiary is not None
            and referral.beneficiary_id == beneficiary.id
        ]
        services.accept(referrals, utcnow())
        session.commit()
    dispatcher.utter_message(response="utter_orient_contact_sent")
    return [*_done(), SlotSet("orient_referrals", None)]


class ActionReferralStatus(Action):
    """ "What next?": where each of her referrals stands."""

    def name(self) -> str:
        return "action_referral_status"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        language = message_language(tracker)
        with her_record(tracker) as (session, beneficiary):
            referrals = services.her_referrals(session, beneficiary.id) if beneficiary else []
            lines = referral_lines(referrals, language)
        if not referrals:
            dispatcher.utter_message(response="utter_no_referral")
        else:
            dispatcher.utter_message(response="utter_referral_status", referrals=lines)
        return [SlotSet("menu", MAIN)]


class ActionNearestPlaces(Action):
    """She shared her location on WhatsApp: the closest places of her partners (both when
    she has not been oriented yet); her open referrals take the closest of theirs."""

    def name(self) -> str:
        return "action_nearest_places"

    def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        location = metadata(tracker).get("location") or {}
        try:
            latitude, longitude = float(location["latitude"]), float(location["longitude"])
        except (KeyError, TypeError, ValueError):
            dispatcher.utter_message(response="utter_help")
            return [SlotSet("menu", MAIN)]
        language = message_language(tracker)
        with her_record(tracker) as (session, beneficiary):
            referrals = [
                r
                for r in (services.her_referrals(session, beneficiary.id) if beneficiary else [])
                if r.status != Referral.CLOSED
            ]
            partners = [r.partner for r in referrals] or [ANAPEC, RESOFEM]
            places = []
            for partner in partners:
                found = nearest_to(session, latitude, longitude, partner=partner, limit=NEAREST)
                places += found[: NEAREST if len(partners) == 1 else 2]
                for referral in referrals:
                    if referral.partner == partner and found:
                        referral.service_point_id = found[0][0].id
            session.commit()
            places.sort(key=lambda place: place[1])
            lines = place_lines(places, language)
        if not places:
            dispatcher.utter_message(response="utter_no_places_near")
        else:
            dispatcher.utter_message(response="utter_nearest_places", places=lines)
        return [SlotSet("menu", MAIN)]
