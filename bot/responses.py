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
    "4. Talk to a counsellor\n"
    "5. My information\n"
    "6. Change language\n"
    "7. Find the right service for me"
)
# The language names stay as they are in every catalog: she must recognise her own.
LANGUAGE_MENU = N_("Choose your language, reply with a number:\n1. Darija\n2. Français\n3. العربية")
YES_NO_CONSENT = N_("Do you agree?\n1. Yes, I agree\n2. No")
SUMMARY = N_(
    "Your information:\n"
    "First name: {first_name}\n"
    "Age: {age}\n"
    "City: {province}\n"
    "Education: {education_level}\n"
    "Situation: {situation}\n"
    "Goal: {goal}"
)
FIX_MENU = N_(
    "What do you want to change? Reply with a number:\n"
    "1. First name\n2. Age\n3. City\n4. Education\n5. Situation\n6. Goal"
)
GREETING = N_(
    "Hello and welcome! I am the Min Ajliki assistant. "
    "I help women find a job or start their own business."
)
NOT_UNDERSTOOD = N_("Sorry, I did not understand.")
# Orientation: why each door, and what to bring.
ANAPEC_WHY = N_(
    "ANAPEC is the right door for you: it helps you find a paid job, with job offers, "
    "help with your CV, interview preparation and its employment programmes."
)
ANAPEC_BRING = N_("Bring your national ID card (CIN), your CV if you have one and your diplomas.")
RESOFEM_WHY = N_(
    "RESOFEM is the right door for you: it helps women create and grow their project, "
    "from the idea to financing, with coaching and a network of women entrepreneurs."
)
RESOFEM_BRING = N_("Bring your national ID card (CIN) and a few words about your project.")
ATTENDANCE_QUESTION = N_("Reply with a number:\n1. I will be there\n2. I cannot come")
STILL_NOT_UNDERSTOOD = N_("Sorry, I still do not understand. A counsellor can answer you: reply 4.")

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
    "utter_invalid_choice": (N_("That number is not in the list."), MENU),
    # First contact and language
    "utter_welcome": (
        N_("Welcome to Min Ajliki! I help women find a job or start their own business."),
        LANGUAGE_MENU,
    ),
    "utter_ask_language": (LANGUAGE_MENU,),
    "utter_language_set": (N_("Done, I will write to you in this language."), MENU),
    # Consent (Law 09-08). Changing this text means a new CONSENT_VERSION.
    "utter_consent": (
        N_(
            "Before we start: to register you, we keep your first name, age, city, "
            "education and situation. They are used only to guide you to ANAPEC, RESOFEM "
            "and our trainings, and only the programme's counsellors see them. You can see "
            'them or have them erased at any time (Law 09-08): write "my information" or '
            '"delete my data".'
        ),
        YES_NO_CONSENT,
    ),
    "utter_consent_given": (N_("Thank you! Let us start, it takes two minutes."),),
    "utter_consent_refused": (
        N_(
            "No problem. We keep nothing about you except your number and your answer. "
            'You can come back whenever you want: write "register".'
        ),
        MENU,
    ),
    # Registration questions
    "utter_ask_first_name": (N_("What is your first name?"),),
    "utter_ask_first_name_offered": (
        N_("Is your first name {offered_name}?\n1. Yes\n2. No, I will write it"),
    ),
    "utter_ask_age": (N_("How old are you? Write your age in numbers, for example: 27"),),
    "utter_ask_province": (N_("In which city do you live? For example: Casablanca, Fès, Agadir"),),
    "utter_ask_province_choice": (N_("Which one? Reply with a number:\n{choices}"),),
    "utter_ask_region_choice": (
        N_("I did not find that city. Choose your region, reply with a number:\n{choices}"),
    ),
    "utter_ask_education_level": (
        N_(
            "What is your level of education? Reply with a number:\n"
            "1. I did not go to school\n2. Primary school\n3. Middle or high school\n"
            "4. Baccalaureate\n5. University\n6. Vocational training"
        ),
    ),
    "utter_ask_situation": (
        N_(
            "What is your situation today? Reply with a number:\n"
            "1. I am looking for a job\n2. I have a business idea\n"
            "3. I already run an activity\n4. Other"
        ),
    ),
    "utter_ask_goal": (
        N_(
            "What do you want from Min Ajliki? Reply with a number:\n"
            "1. Find a job\n2. Start my project\n3. Grow my activity\n"
            "4. Follow a training\n5. Get advice"
        ),
    ),
    "utter_ask_reg_confirm": (
        SUMMARY,
        N_("Is it right?\n1. Yes\n2. No, I want to change something"),
    ),
    "utter_ask_fix": (FIX_MENU,),
    # Help after a wrong answer
    "utter_help_first_name": (N_("Please write only your first name, for example: Fatima"),),
    "utter_help_age": (N_("I did not understand your age. Write it in numbers, for example: 27"),),
    "utter_too_young": (
        N_(
            "Min Ajliki is for women aged 18 and over. If you made a mistake, write your age again."
        ),
    ),
    "utter_help_province": (N_("I did not find that place."),),
    "utter_help_choice": (N_("Please reply with one of the numbers in the list."),),
    "utter_fix_ok": (N_("All right, let us correct it."),),
    "utter_welcome_back": (N_("Welcome back! Let us continue your registration."),),
    "utter_registration_stuck": (
        N_(
            "This question seems difficult. What would you like to do? Reply with a number:\n"
            "1. Try again\n2. Talk to a counsellor\n3. Continue later"
        ),
    ),
    "utter_registration_paused": (
        N_('Your answers are saved. To continue later, write "register" or reply 1.'),
        MENU,
    ),
    "utter_registered": (
        N_(
            "Congratulations {first_name}, you are registered with Min Ajliki! "
            "We will guide you to the services that suit you."
        ),
        MENU,
    ),
    # Her profile
    "utter_profile": (
        SUMMARY,
        N_("Reply with a number:\n1. Change something\n2. Back to the menu"),
    ),
    "utter_profile_incomplete": (
        N_("Your registration is not finished yet."),
        SUMMARY,
        N_("Reply 1 to continue it."),
    ),
    "utter_no_profile": (
        N_("We have no information about you. To register, reply 1."),
        MENU,
    ),
    # Opt-out (handled before the model for the keywords)
    "utter_opted_out": (
        N_(
            "You will no longer receive our announcements and reminders. You can still write "
            "to us at any time. To receive them again, write START."
        ),
    ),
    "utter_opted_in": (
        N_(
            "Welcome back! You will receive our announcements and reminders again. "
            "To stop them, write STOP."
        ),
    ),
    # Erasure
    "utter_confirm_erasure": (
        N_(
            "Do you want us to erase your information and your messages? "
            "It cannot be undone.\n1. Yes, erase everything\n2. No, keep them"
        ),
    ),
    "utter_erasure_done": (
        N_(
            "Your information and your messages are erased. Thank you for your trust; "
            "you can come back whenever you want."
        ),
    ),
    "utter_erasure_cancelled": (N_("All right, nothing was erased."), MENU),
    # Counsellor handoff
    "utter_handoff_open": (
        N_(
            "A counsellor will answer you here as soon as possible. "
            "You can already write your question."
        ),
    ),
    "utter_handoff_closed": (
        N_(
            "Our counsellors are not available right now. A counsellor will answer you "
            "from {when}. You can already write your question here."
        ),
    ),
    "utter_handoff_media": (
        N_(
            "I cannot read voice notes, photos or documents. "
            "A counsellor will look at it and answer you here soon."
        ),
    ),
    "utter_handoff_media_closed": (
        N_(
            "I cannot read voice notes, photos or documents. A counsellor will look at it "
            "and answer you from {when}."
        ),
    ),
    "utter_handoff_distress": (
        N_(
            "You are not alone. If you are in danger now, call 19 (police) or 15 (emergency). "
            "The free line for women facing violence is 8350. "
            "A counsellor will answer you here as soon as possible."
        ),
    ),
    "utter_handoff_resolved": (
        N_("Your conversation with the counsellor is closed. The assistant is back."),
        MENU,
    ),
    "utter_handoff_idle": (
        N_(
            "We have not heard from you for a while, so the assistant is back. "
            "To talk to a counsellor again, reply 4."
        ),
        MENU,
    ),
    # Trainings (issue #6). {title}, {when} and {place} describe one session.
    "utter_trainings_list": (
        N_("Trainings for you. To enroll, reply with the number of the training:\n{trainings}"),
    ),
    "utter_no_trainings": (
        N_("There is no training planned for you right now. We will tell you when one opens."),
        MENU,
    ),
    "utter_trainings_need_registration": (
        N_("To enroll in a training, register first: it takes two minutes. Reply 1."),
        MENU,
    ),
    "utter_training_enrolled": (
        N_("You are enrolled in «{title}», {when}, {place}. We will remind you before it starts."),
        MENU,
    ),
    "utter_training_waitlisted": (
        N_(
            "«{title}» is full. You are number {position} on the waiting list: "
            "we will tell you as soon as a seat is free."
        ),
        MENU,
    ),
    "utter_training_already": (
        N_("You are already enrolled in «{title}», {when}."),
        MENU,
    ),
    "utter_training_closed": (N_("Sorry, this training is no longer open."), MENU),
    "utter_my_trainings": (
        N_("Your trainings:\n{trainings}"),
        N_("To cancel one, reply with its number."),
    ),
    "utter_no_my_trainings": (
        N_("You are not enrolled in any training. To see the trainings, reply 2."),
        MENU,
    ),
    "utter_ask_cancel_training": (
        N_("Cancel your place in «{title}», {when}?\n1. Yes, cancel it\n2. No, keep it"),
    ),
    "utter_training_canceled": (
        N_("Your place is cancelled. Thank you for telling us: another woman can take it."),
        MENU,
    ),
    "utter_training_kept": (N_("All right, your place is kept."), MENU),
    "utter_training_reminder": (
        N_("Reminder: your training «{title}» is {when}, {place}."),
        ATTENDANCE_QUESTION,
    ),
    "utter_training_seat_freed": (
        N_("Good news: a seat is free for you! You are enrolled in «{title}», {when}, {place}."),
        ATTENDANCE_QUESTION,
    ),
    "utter_training_session_changed": (
        N_("Change: your training «{title}» is now {when}, {place}."),
        ATTENDANCE_QUESTION,
    ),
    "utter_attendance_confirmed": (N_("Thank you! See you there."),),
    "utter_training_missed": (
        N_("We missed you at «{title}». We hope all is well. To see the next trainings, reply 2."),
    ),
    "utter_training_session_canceled": (
        N_(
            "We are sorry: the training «{title}», {when}, is cancelled. "
            "To see the other trainings, reply 2."
        ),
    ),
    "utter_no_training_to_answer": (
        N_("You have no training coming up. To see the trainings, reply 2."),
        MENU,
    ),
    # Orientation toward ANAPEC or RESOFEM (issue #5). {anapec_place} and
    # {resofem_place} are the nearest service point, already written in her language.
    "utter_orientation_need_registration": (
        N_("To guide you, register first: it takes two minutes. Reply 1."),
        MENU,
    ),
    "utter_orient_want": (
        N_(
            "Let us find the right place for you. What do you want most now? "
            "Reply with a number:\n"
            "1. Find a paid job\n2. Create or grow my own project\n"
            "3. Both, or I do not know yet"
        ),
    ),
    "utter_orient_job": (
        N_(
            "What kind of work are you looking for? Reply with a number:\n"
            "1. Sales or commerce\n2. Care, cleaning or cooking\n3. Office work\n"
            "4. Textile or factory work\n5. Other"
        ),
    ),
    "utter_orient_project": (
        N_(
            "Where is your project today? Reply with a number:\n"
            "1. It is an idea\n2. I started less than a year ago\n"
            "3. It has been running for more than a year"
        ),
    ),
    "utter_orient_availability": (
        N_(
            "How much time can you give to it? Reply with a number:\n"
            "1. Full time\n2. Part time\n3. A few hours a week"
        ),
    ),
    "utter_orient_anapec": (ANAPEC_WHY, ANAPEC_BRING, "{anapec_place}"),
    "utter_orient_resofem": (RESOFEM_WHY, RESOFEM_BRING, "{resofem_place}"),
    "utter_orient_both": (
        N_("Two doors can help you: ANAPEC for a paid job, RESOFEM for your own project."),
        ANAPEC_WHY,
        ANAPEC_BRING,
        "{anapec_place}",
        RESOFEM_WHY,
        RESOFEM_BRING,
        "{resofem_place}",
    ),
    "utter_orient_location_hint": (
        N_("On WhatsApp you can also share your location to find the closest place."),
    ),
    "utter_orient_ask_contact": (
        N_("Do you want us to send your contact to {partner} so they call you?\n1. Yes\n2. No"),
    ),
    "utter_orient_ask_contact_both": (
        N_(
            "Do you want us to send your contact to ANAPEC and RESOFEM so they call you?"
            "\n1. Yes\n2. No"
        ),
    ),
    "utter_orient_contact_sent": (
        N_(
            "Done: your contact is sent, they will call you on this number. "
            "To see where it stands, write: where is my request?"
        ),
        MENU,
    ),
    "utter_orient_contact_not_sent": (
        N_("All right. You can go there yourself with the address above."),
        MENU,
    ),
    "utter_nearest_places": (N_("The places closest to you:\n{places}"), MENU),
    "utter_no_places_near": (
        N_("I did not find a place near you. A counsellor can help you: reply 4."),
        MENU,
    ),
    "utter_referral_status": (N_("Where your orientation stands:\n{referrals}"), MENU),
    "utter_no_referral": (
        N_("You have not been oriented yet. To find the right service for you, reply 7."),
        MENU,
    ),
}

# How stored codes read in her language (the NLG endpoint renders them).
LABELS: dict[str, dict[str, str]] = {
    "education_level": {
        "none": N_("no schooling"),
        "primary": N_("primary school"),
        "secondary": N_("middle or high school"),
        "baccalaureate": N_("baccalaureate"),
        "university": N_("university"),
        "vocational": N_("vocational training"),
    },
    "situation": {
        "job_seeker": N_("looking for a job"),
        "business_idea": N_("has a business idea"),
        "runs_business": N_("runs an activity"),
        "other": N_("other"),
    },
    "goal": {
        "find_job": N_("find a job"),
        "start_business": N_("start a project"),
        "grow_business": N_("grow an activity"),
        "training": N_("follow a training"),
        "advice": N_("get advice"),
    },
}
NOT_GIVEN = N_("not given yet")
# A service point, written into an orientation or a list of places.
PLACE = N_("Nearest place: {name}, {address}. Opening hours: {hours}.")
PLACE_PHONE = N_("Phone: {phone}")
NO_PLACE = N_("We will send you the address of the nearest place soon.")
PLACE_LINE = N_("{number}. {partner}: {name}, {address} ({distance} km)")
# Where a referral stands, as she reads it.
REFERRAL_LINE = N_("{partner}: {status}")
REFERRAL_STATUS: dict[str, str] = {
    "proposed": N_("suggested to you; you have not asked them to call you"),
    "accepted": N_("your contact was sent, they will call you"),
    "contacted": N_("they have contacted you"),
    "closed": N_("closed"),
}
# One line of a numbered list of trainings.
TRAINING_LINE = N_("{number}. {title}, {when}")
WAITING_LINE = N_("{number}. {title}, {when} (waiting list, number {position})")

# Sent by the worker when the bot cannot answer yet (Rasa or its actions server is down)
# and she has waited a little: once, then the real answer follows when it is back.
ANSWER_SOON = N_(
    "We got your message. Our assistant is busy for a moment; we will answer you here very soon."
)

# Counsellors' ready-made replies, sent in her language from the console's reply box.
CANNED_REPLIES: dict[str, str] = {
    "hello": N_("Hello, I am your counsellor. How can I help you?"),
    "documents": N_("Please bring your national ID card and, if you have one, your CV."),
    "call": N_("I will call you on this number soon. Please keep your phone with you."),
    "closing": N_("Thank you. I wish you every success. Write to us whenever you need."),
}


def parts(response: str) -> tuple[str, ...] | None:
    return RESPONSES.get(response)
