"""Every sentence the bot says, by Rasa response name.

The texts here are the English source (msgids); what she reads comes from the catalogs
in locales/ (fr, ar, ary, ary_Latn). A response made of several parts is joined by a
line break into one message (Rasa would split a blank line into two SMS), so the menu
is written once and reused.
"""

from __future__ import annotations


def N_(text: str) -> str:
    """Mark a string for extraction by pybabel; it is translated when rendered."""
    return text


MENU = N_(
    "Reply with a number:\n"
    "1. Register with Min Ajliki\n"
    "2. Trainings\n"
    "3. What is Min Ajliki?\n"
    "4. Talk to a counsellor"
)
GREETING = N_(
    "Hello and welcome! I am the Min Ajliki assistant. "
    "I help women find a job or start their own business."
)
NOT_UNDERSTOOD = N_("Sorry, I did not understand.")
STILL_NOT_UNDERSTOOD = N_("Sorry, I still do not understand. A counsellor can answer you: reply 4.")
COMING_SOON = N_(
    "This service is not open in the assistant yet. We will let you know as soon as it is."
)

RESPONSES: dict[str, tuple[str, ...]] = {
    "utter_greet": (GREETING, MENU),
    "utter_help": (MENU,),
    "utter_default": (NOT_UNDERSTOOD, MENU),
    "utter_offer_counsellor": (STILL_NOT_UNDERSTOOD, MENU),
    "utter_goodbye": (N_("Goodbye! Write to me whenever you need. Take care."),),
    "utter_thank": (N_("You are welcome! I am here if you need anything else."),),
    "utter_program_info": (
        N_(
            "Min Ajliki helps women become financially independent: finding a job with "
            "ANAPEC or starting a business with RESOFEM. It is free."
        ),
        MENU,
    ),
    "utter_coming_soon": (COMING_SOON, MENU),
    "utter_invalid_choice": (N_("That number is not in the list."), MENU),
}


def parts(response: str) -> tuple[str, ...] | None:
    return RESPONSES.get(response)
