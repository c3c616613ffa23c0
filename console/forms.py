"""The console's forms (Flask-WTF: each carries its CSRF token), with French messages."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import (
    BooleanField,
    EmailField,
    PasswordField,
    RadioField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TelField,
    TextAreaField,
)
from wtforms.meta import DefaultMeta
from wtforms.validators import DataRequired, EqualTo, InputRequired, Length

from bot import gazetteer
from bot.staff.models import ROLES
from bot.staff.validation import PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH
from console.labels import PROBLEMS, ROLE_LABELS

REQUIRED = "Champ obligatoire."
PARTNERS = ("ANAPEC", "RESOFEM")


class ConsoleForm(FlaskForm):
    class Meta:
        # WTForms' own French catalog (Flask-WTF would look for Flask-Babel instead).
        locales = ("fr_FR", "fr")

        def get_translations(self, form):  # type: ignore[no-untyped-def]
            return DefaultMeta.get_translations(self, form)  # type: ignore[arg-type]

    def add_problems(self, problems: dict[str, str]) -> None:
        """Show bot.staff's problem codes under the fields they are about."""
        for field_name, code in problems.items():
            field = getattr(self, field_name, None)
            message = PROBLEMS.get(code, code)
            if field is not None and hasattr(field, "errors"):
                field.errors = [*field.errors, message]
            else:
                self.form_errors.append(message)


def _role_choices() -> list[SelectChoice]:
    return [SelectChoice(role, ROLE_LABELS[role]) for role in reversed(ROLES)]


def _province_choices() -> list[SelectChoice]:
    # Called when a form is built, so the gazetteer is not read at import.
    regions = {region.code: region.name_fr for region in gazetteer.regions()}
    return [
        SelectChoice(p.code, p.name_fr, optgroup=regions.get(p.region, p.region))
        for p in gazetteer.provinces()
    ]


def _password(label: str) -> PasswordField:
    return PasswordField(
        label,
        validators=[
            InputRequired(REQUIRED),
            Length(
                min=PASSWORD_MIN_LENGTH,
                max=PASSWORD_MAX_LENGTH,
                message=f"Au moins {PASSWORD_MIN_LENGTH} caractères.",
            ),
        ],
    )


def _confirmation() -> PasswordField:
    return PasswordField(
        "Confirmer le mot de passe",
        validators=[
            InputRequired(REQUIRED),
            EqualTo("password", "Les deux mots de passe ne sont pas identiques."),
        ],
    )


class LoginForm(ConsoleForm):
    email = EmailField("Adresse e-mail", validators=[DataRequired(REQUIRED), Length(max=254)])
    password = PasswordField("Mot de passe", validators=[InputRequired(REQUIRED)])


class _AccountFields(ConsoleForm):
    name = StringField("Nom", validators=[DataRequired(REQUIRED), Length(max=120)])
    role = SelectField("Rôle", choices=_role_choices, default="counsellor")
    partner = StringField("Partenaire", validators=[Length(max=64)])
    provinces = SelectMultipleField("Provinces", choices=_province_choices, default=[])
    phone = TelField("Téléphone (facultatif)", validators=[Length(max=32)])


class UserCreateForm(_AccountFields):
    email = EmailField("Adresse e-mail", validators=[DataRequired(REQUIRED), Length(max=254)])
    password = _password("Mot de passe")
    password_confirm = _confirmation()


class UserEditForm(_AccountFields):
    active = BooleanField("Compte actif")


class PasswordResetForm(ConsoleForm):
    password = _password("Nouveau mot de passe")
    password_confirm = _confirmation()


# -- CSV imports (console/csv_views.py) -------------------------------------------------


class CsvImportForm(ConsoleForm):
    """A CSV file to import: training sessions or the service directory."""

    file = FileField(
        "Fichier CSV",
        validators=[
            FileRequired("Choisissez un fichier."),
            FileAllowed(["csv", "txt"], "Un fichier .csv."),
        ],
    )


# -- training sessions (console/trainings.py) -------------------------------------------

TRACK_LABELS = {
    "all": "Toutes (emploi et entreprise)",
    "job": "Emploi salarié (ANAPEC)",
    "business": "Entrepreneuriat (RESOFEM)",
}
ALL_PROVINCES = "Toutes les provinces / en ligne"


def _track_choices() -> list[SelectChoice]:
    return [SelectChoice(value, label) for value, label in TRACK_LABELS.items()]


def _training_province_choices() -> list[SelectChoice]:
    return [SelectChoice("", ALL_PROVINCES), *_province_choices()]


class TrainingForm(ConsoleForm):
    """A session's fields, named as the CSV's columns: bot.trainings.csv_io checks them."""

    code = StringField("Code (votre référence, unique)", validators=[Length(max=64)])
    partner = StringField("Partenaire", validators=[Length(max=64)])
    topic = StringField("Thème", validators=[Length(max=120)])
    track = SelectField("Public", choices=_track_choices, default="all")
    province = SelectField("Province", choices=_training_province_choices, default="")
    title_fr = StringField("Titre en français", validators=[Length(max=200)])
    title_ar = StringField("Titre en arabe", validators=[Length(max=200)])
    title_ary = StringField("Titre en darija (lettres arabes)", validators=[Length(max=200)])
    title_ary_Latn = StringField("Titre en darija (lettres latines)", validators=[Length(max=200)])
    description_fr = TextAreaField("Description en français", validators=[Length(max=1000)])
    description_ar = TextAreaField("Description en arabe", validators=[Length(max=1000)])
    description_ary = TextAreaField(
        "Description en darija (lettres arabes)", validators=[Length(max=1000)]
    )
    description_ary_Latn = TextAreaField(
        "Description en darija (lettres latines)", validators=[Length(max=1000)]
    )
    starts_at = StringField("Début (heure du Maroc)")
    ends_at = StringField("Fin (heure du Maroc)")
    place = StringField("Lieu", validators=[Length(max=255)])
    online_url = StringField("Lien en ligne (http:// ou https://)", validators=[Length(max=255)])
    capacity = StringField("Places")

    def row(self) -> dict[str, str]:
        """The values as a CSV row (bot.trainings.csv_io.parse_row reads it)."""
        return {
            name: str(field.data or "")
            for name, field in self._fields.items()
            if name != "csrf_token"
        }


# -- the service directory (console/directory.py) ---------------------------------------

SERVICE_LABELS = {
    "job_search": "Recherche d'emploi",
    "cv": "CV",
    "interview": "Préparation aux entretiens",
    "insertion_programmes": "Programmes d'insertion",
    "qualification": "Formation qualifiante",
    "project_idea": "Idée de projet",
    "support": "Accompagnement",
    "coaching": "Coaching",
    "financing": "Financement",
    "networking": "Réseautage",
}
SERVICE_GROUPS = {
    "ANAPEC": "Emploi salarié (services ANAPEC)",
    "RESOFEM": "Entrepreneuriat (services RESOFEM)",
}
CHOOSE_PROVINCE = "Choisissez une province"


def _service_choices() -> list[SelectChoice]:
    from bot.directory.models import SERVICES

    return [
        SelectChoice(code, SERVICE_LABELS.get(code, code), optgroup=SERVICE_GROUPS.get(p, p))
        for p, codes in SERVICES.items()
        for code in codes
    ]


def _point_province_choices() -> list[SelectChoice]:
    return [SelectChoice("", CHOOSE_PROVINCE), *_province_choices()]


class ServicePointForm(ConsoleForm):
    """A point's fields, named as the CSV's columns: bot.directory.csv_io checks them."""

    code = StringField("Code (votre référence, unique)", validators=[Length(max=64)])
    partner = StringField("Partenaire", validators=[Length(max=32)])
    name = StringField("Nom", validators=[Length(max=200)])
    province = SelectField("Province", choices=_point_province_choices, default="")
    city = StringField("Ville", validators=[Length(max=120)])
    address = StringField("Adresse", validators=[Length(max=255)])
    phone = TelField("Téléphone (facultatif)", validators=[Length(max=32)])
    opening_hours = StringField("Horaires", validators=[Length(max=200)])
    services = SelectMultipleField("Services", choices=_service_choices, default=[])
    latitude = StringField("Latitude (facultatif)", validators=[Length(max=32)])
    longitude = StringField("Longitude (facultatif)", validators=[Length(max=32)])
    verified = BooleanField("Vérifié auprès du partenaire (adresse, téléphone, horaires)")
    active = BooleanField("Actif : proposé aux femmes", default=True)

    def row(self) -> dict[str, str]:
        """The values as a CSV row (bot.directory.csv_io.parse_row reads it)."""
        flags = ("csrf_token", "services", "verified", "active")
        values = {
            name: str(field.data or "") for name, field in self._fields.items() if name not in flags
        }
        values["services"] = "|".join(self.services.data or [])
        values["verified"] = "yes" if self.verified.data else "no"
        values["active"] = "yes" if self.active.data else "no"
        return values


# -- broadcasts (console/broadcasts.py) -------------------------------------------------

BROADCAST_TEXT_LABELS = {
    "fr": "Texte en français",
    "ar": "Texte en arabe",
    "ary": "Texte en darija (lettres arabes)",
    "ary_Latn": "Texte en darija (lettres latines)",
}
RTL_LANGUAGES = frozenset({"ar", "ary"})
MISSING_LANGUAGE_LABELS = {
    "french": "Elle reçoit le texte en français",
    "skip": "Elle ne reçoit rien (laissée de côté)",
}
SEGMENT_TRACK_LABELS = {
    "job": "Emploi salarié (ANAPEC)",
    "business": "Entrepreneuriat (RESOFEM)",
    "none": "Sans orientation (ni l'un ni l'autre)",
}
SEGMENT_LANGUAGE_LABELS = {
    "fr": "Français",
    "ar": "Arabe",
    "ary": "Darija (lettres arabes)",
    "ary_Latn": "Darija (lettres latines)",
}
CHANNEL_LABELS = {"whatsapp": "WhatsApp", "sms": "SMS"}
TRAINING_STATUS_LABELS = {
    "": "Toute place dans la session",
    "enrolled": "Inscrites",
    "waitlisted": "En liste d'attente",
    "attended": "Présentes",
    "absent": "Absentes",
}
REFERRAL_STATUS_LABELS = {
    "": "Tout statut",
    "proposed": "Proposée",
    "accepted": "Acceptée (attend un appel)",
    "contacted": "Contactée",
    "closed": "Close",
}


def _choices(labels: dict[str, str]) -> list[SelectChoice]:
    return [SelectChoice(value, label) for value, label in labels.items()]


def _referral_partner_choices() -> list[SelectChoice]:
    return [SelectChoice("", "Aucune condition"), *(SelectChoice(p, p) for p in PARTNERS)]


def _text_field(language: str) -> TextAreaField:
    # Lengths are checked by bot.broadcasts.services (its message says which text).
    return TextAreaField(BROADCAST_TEXT_LABELS[language])


class BroadcastForm(ConsoleForm):
    """A broadcast: its words, its public, its time. bot.broadcasts.services checks the
    rest (console/broadcasts.py words its problem codes under these fields)."""

    name = StringField(
        "Nom (pour l'équipe, jamais envoyé)",
        validators=[DataRequired("Donnez-lui un nom."), Length(max=120)],
    )
    text_fr = _text_field("fr")
    text_ar = _text_field("ar")
    text_ary = _text_field("ary")
    text_ary_Latn = _text_field("ary_Latn")
    missing_language = RadioField(
        "Une femme dont la langue n'a pas de texte",
        choices=lambda: _choices(MISSING_LANGUAGE_LABELS),
        default="french",
    )
    content_sid = StringField("Modèle WhatsApp approuvé (Content SID, facultatif)")
    content_variables = TextAreaField("Variables du modèle, une par ligne : 1=…")
    provinces = SelectMultipleField("Provinces", choices=_province_choices, default=[])
    tracks = SelectMultipleField(
        "Orientation", choices=lambda: _choices(SEGMENT_TRACK_LABELS), default=[]
    )
    languages = SelectMultipleField(
        "Langue", choices=lambda: _choices(SEGMENT_LANGUAGE_LABELS), default=[]
    )
    channels = SelectMultipleField("Canal", choices=lambda: _choices(CHANNEL_LABELS), default=[])
    registered_only = BooleanField("Inscription terminée seulement", default=True)
    registered_from = StringField("Inscrites à partir du")
    registered_to = StringField("Inscrites jusqu'au")
    # Sessions are read from the database: the view fills the choices.
    training_id = SelectField("Session de formation", choices=[], validate_choice=False)
    training_status = SelectField(
        "Sa place dans la session", choices=lambda: _choices(TRAINING_STATUS_LABELS), default=""
    )
    referral_partner = SelectField("Orientée vers", choices=_referral_partner_choices, default="")
    referral_status = SelectField(
        "Statut de l'orientation", choices=lambda: _choices(REFERRAL_STATUS_LABELS), default=""
    )
    send_at = StringField("Envoi (heure du Maroc)")
