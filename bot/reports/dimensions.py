"""SQL expressions the figures and the anonymised dataset share: who is counted (her
province, her partner), her age band and her track."""

from __future__ import annotations

from sqlalchemy import ColumnElement, case, exists, func, true

from bot.beneficiaries.models import Beneficiary
from bot.orientation.models import Referral
from bot.registration.questions import age_band
from bot.reports.filters import Scope
from bot.trainings.services import TRACK_OF_GOAL, TRACK_OF_SITUATION

UNKNOWN = "unknown"  # an answer she has not given (yet)
UNDECIDED = "undecided"  # her answers point to no track in particular

# The bands of bot.registration.questions.age_band, youngest first.
AGE_BANDS = ("18-24", "25-34", "35-44", "45-54", "55+")
_BAND_TOPS = (24, 34, 44, 54)


def age_band_of(beneficiary: type[Beneficiary] = Beneficiary) -> ColumnElement[str]:
    """Her stored band; for a profile written before bands were kept, the band of her age."""
    from_age = case(
        *((beneficiary.age <= top, age_band(top)) for top in _BAND_TOPS),
        (beneficiary.age.is_not(None), AGE_BANDS[-1]),
        else_=UNKNOWN,
    )
    return func.coalesce(beneficiary.age_band, from_age)


def track_of(beneficiary: type[Beneficiary] = Beneficiary) -> ColumnElement[str]:
    """bot.trainings.services.track_of in SQL: her goal first, then her situation."""
    return case(
        *((beneficiary.goal == goal, track) for goal, track in TRACK_OF_GOAL.items()),
        *((beneficiary.situation == s, track) for s, track in TRACK_OF_SITUATION.items()),
        else_=UNDECIDED,
    )


def partner_is(column: ColumnElement[str], scope: Scope) -> ColumnElement[bool]:
    """A record's partner, whatever its case, is the scope's (always true without one)."""
    if scope.partner is None:
        return true()
    return func.upper(column) == scope.partner


def province_in(column: ColumnElement[str | None], scope: Scope) -> ColumnElement[bool]:
    if scope.provinces is None:
        return true()
    return column.in_(scope.provinces)


def women_in(scope: Scope) -> list[ColumnElement[bool]]:
    """The women a scope counts: of its provinces and, with a partner, those oriented to
    that partner (a referral to it, whatever its status)."""
    conditions: list[ColumnElement[bool]] = []
    if scope.provinces is not None:
        conditions.append(Beneficiary.province.in_(scope.provinces))
    if scope.partner is not None:
        conditions.append(
            exists().where(
                Referral.beneficiary_id == Beneficiary.id,
                func.upper(Referral.partner) == scope.partner,
            )
        )
    return conditions
