"""Which door: ANAPEC for a paid job, RESOFEM for her own project, or both.

The answers are codes from the orientation questions (numbered in her language):
want — job / business / unsure; job — the kind of work; project — how far her project
is; availability — how much time she has. The rule is short on purpose: a counsellor
must be able to explain it to her in one sentence.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from bot.orientation.models import ANAPEC, RESOFEM

WANTS = ("job", "business", "unsure")
JOBS = ("sales", "care", "office", "industry", "other")
PROJECTS = ("idea", "young", "running")
AVAILABILITIES = ("full_time", "part_time", "few_hours")


@dataclass(frozen=True)
class Advice:
    partners: tuple[str, ...]  # ANAPEC first when both

    @property
    def both(self) -> bool:
        return len(self.partners) == 2


def advise(answers: Mapping[str, str], situation: str | None = None) -> Advice:
    """ANAPEC, RESOFEM or both, from her answers (and her situation at registration)."""
    want = answers.get("want")
    if want == "job":
        # A job now, and a project she already runs or has in mind: both doors help.
        if situation in ("business_idea", "runs_business"):
            return Advice((ANAPEC, RESOFEM))
        return Advice((ANAPEC,))
    if want == "business":
        # Only an idea while she looks for work: an income first may fund the project.
        if answers.get("project") == "idea" and situation == "job_seeker":
            return Advice((ANAPEC, RESOFEM))
        return Advice((RESOFEM,))
    return Advice((ANAPEC, RESOFEM))
