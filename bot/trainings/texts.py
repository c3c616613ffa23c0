"""Numbered lists of sessions as she reads them, in her language."""

from __future__ import annotations

from sqlalchemy.orm import Session

from bot.i18n import format_when, gettext
from bot.responses import TRAINING_LINE, WAITING_LINE
from bot.trainings.models import Enrollment, TrainingSession
from bot.trainings.services import waiting_position


def training_lines(trainings: list[TrainingSession], language: str) -> str:
    line = gettext(TRAINING_LINE, language)
    return "\n".join(
        line.format(
            number=number,
            title=training.title(language),
            when=format_when(training.starts_at.isoformat(), language),
        )
        for number, training in enumerate(trainings, start=1)
    )


def enrollment_lines(session: Session, enrollments: list[Enrollment], language: str) -> str:
    lines = []
    for number, enrollment in enumerate(enrollments, start=1):
        training = enrollment.session
        values = {
            "number": number,
            "title": training.title(language),
            "when": format_when(training.starts_at.isoformat(), language),
        }
        if enrollment.status == Enrollment.WAITLISTED:
            position = waiting_position(session, enrollment)
            lines.append(gettext(WAITING_LINE, language).format(**values, position=position))
        else:
            lines.append(gettext(TRAINING_LINE, language).format(**values))
    return "\n".join(lines)
