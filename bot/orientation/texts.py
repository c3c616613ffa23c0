"""Service points and referrals as she reads them, in her language."""

from __future__ import annotations

from bot.directory.models import ServicePoint
from bot.i18n import gettext
from bot.orientation.models import Referral
from bot.responses import NO_PLACE, PLACE, PLACE_LINE, PLACE_PHONE, REFERRAL_LINE, REFERRAL_STATUS


def address_of(point: ServicePoint) -> str:
    address = point.address or ""
    if point.city and point.city.lower() not in address.lower():
        address = f"{address}, {point.city}" if address else point.city
    return address


def place_text(point: ServicePoint | None, language: str) -> str:
    """ "Nearest place: …" with its hours and, when known, its phone."""
    if point is None:
        return gettext(NO_PLACE, language)
    text = gettext(PLACE, language).format(
        name=point.name, address=address_of(point), hours=point.opening_hours or "-"
    )
    if point.phone:
        text += "\n" + gettext(PLACE_PHONE, language).format(phone=point.phone)
    return text


def place_lines(places: list[tuple[ServicePoint, float]], language: str) -> str:
    line = gettext(PLACE_LINE, language)
    return "\n".join(
        line.format(
            number=number,
            partner=point.partner,
            name=point.name,
            address=address_of(point),
            distance=f"{distance:.0f}" if distance >= 10 else f"{distance:.1f}",
        )
        for number, (point, distance) in enumerate(places, start=1)
    )


def referral_lines(referrals: list[Referral], language: str) -> str:
    line = gettext(REFERRAL_LINE, language)
    return "\n".join(
        line.format(
            partner=referral.partner,
            status=gettext(REFERRAL_STATUS.get(referral.status, referral.status), language),
        )
        for referral in referrals
    )
