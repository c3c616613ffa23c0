"""Which door her answers open: ANAPEC, RESOFEM or both."""

from __future__ import annotations

import pytest

from bot.orientation.advice import advise
from bot.orientation.models import ANAPEC, RESOFEM


@pytest.mark.parametrize(
    ("answers", "situation", "partners"),
    [
        ({"want": "job", "job": "sales", "availability": "full_time"}, "job_seeker", (ANAPEC,)),
        ({"want": "job", "job": "care"}, None, (ANAPEC,)),
        # A job now, and a project in mind: both doors.
        ({"want": "job", "job": "office"}, "business_idea", (ANAPEC, RESOFEM)),
        ({"want": "business", "project": "running"}, "runs_business", (RESOFEM,)),
        ({"want": "business", "project": "young"}, "job_seeker", (RESOFEM,)),
        # Only an idea while she looks for work: an income first may fund the project.
        ({"want": "business", "project": "idea"}, "job_seeker", (ANAPEC, RESOFEM)),
        ({"want": "unsure", "availability": "part_time"}, "other", (ANAPEC, RESOFEM)),
        ({}, None, (ANAPEC, RESOFEM)),
    ],
)
def test_advice(answers: dict[str, str], situation: str | None, partners: tuple[str, ...]) -> None:
    advice = advise(answers, situation)
    assert advice.partners == partners
    assert advice.both == (len(partners) == 2)
