"""Numbered menus: what each digit means in the menu she was last shown.

A choice is a response to say (utter_*), an action to run next (action_*), or a
`handler:argument` that action_choose_option carries out itself.
"""

from __future__ import annotations

MAIN = "main"
LANGUAGE = "language"
CONSENT = "consent"
ERASURE = "erasure"
REGISTRATION_STUCK = "registration_stuck"
PROFILE = "profile"
FIX = "fix"
TRAININGS = "trainings"  # a numbered list of sessions: the digit enrolls her
MY_TRAININGS = "my_trainings"  # her enrollments: the digit picks one to cancel
CANCEL_TRAINING = "cancel_training"
ATTENDANCE = "attendance"  # a reminder or a freed seat: 1 she comes, 2 she cannot
# Orientation's questions, then "shall we send your contact?"
ORIENT_WANT = "orient_want"
ORIENT_JOB = "orient_job"
ORIENT_PROJECT = "orient_project"
ORIENT_AVAILABILITY = "orient_availability"
ORIENT_CONTACT = "orient_contact"

MENUS: dict[str, dict[int, str]] = {
    MAIN: {
        1: "action_start_registration",
        2: "action_list_trainings",
        3: "utter_program_info",
        4: "action_request_human",
        5: "action_show_profile",
        6: "action_ask_language",
        7: "action_start_orientation",
    },
    LANGUAGE: {1: "language:ary", 2: "language:fr", 3: "language:ar"},
    CONSENT: {1: "consent:yes", 2: "consent:no"},
    ERASURE: {1: "erase:yes", 2: "erase:no"},
    REGISTRATION_STUCK: {
        1: "action_start_registration",
        2: "action_request_human",
        3: "utter_registration_paused",
    },
    PROFILE: {1: "fix:ask", 2: "utter_help"},
    FIX: {
        1: "fix:first_name",
        2: "fix:age",
        3: "fix:province",
        4: "fix:education_level",
        5: "fix:situation",
        6: "fix:goal",
    },
    CANCEL_TRAINING: {1: "cancel_training:yes", 2: "cancel_training:no"},
    ATTENDANCE: {1: "attendance:confirm", 2: "attendance:cancel"},
    ORIENT_WANT: {1: "orient:want:job", 2: "orient:want:business", 3: "orient:want:unsure"},
    ORIENT_JOB: {
        1: "orient:job:sales",
        2: "orient:job:care",
        3: "orient:job:office",
        4: "orient:job:industry",
        5: "orient:job:other",
    },
    ORIENT_PROJECT: {
        1: "orient:project:idea",
        2: "orient:project:young",
        3: "orient:project:running",
    },
    ORIENT_AVAILABILITY: {
        1: "orient:availability:full_time",
        2: "orient:availability:part_time",
        3: "orient:availability:few_hours",
    },
    ORIENT_CONTACT: {1: "orient_contact:yes", 2: "orient_contact:no"},
}
# Lists whose length changes: any digit is passed on, the handler checks it is listed.
LISTS: dict[str, str] = {TRAININGS: "enroll", MY_TRAININGS: "pick_enrollment"}

# Menus a yes or a no can answer: yes is 1, no is 2.
YES_NO_MENUS = frozenset({CONSENT, ERASURE, CANCEL_TRAINING, ATTENDANCE, ORIENT_CONTACT})


def resolve(menu: str | None, choice: str | None) -> str | None:
    """The choice behind a digit, or None when the digit is not in that menu."""
    if not choice or not choice.isdigit():
        return None
    if menu in LISTS:
        return f"{LISTS[menu]}:{int(choice)}"
    return MENUS.get(menu or MAIN, MENUS[MAIN]).get(int(choice))
