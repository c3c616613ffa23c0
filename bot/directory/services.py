"""Finding the service points nearest to a woman: by her province, or by her coordinates.

Only active points are ever offered. Every list comes in a deterministic order, so the same
question gets the same answer: verified points first, then by name, then by id.

A partner is compared without case ("anapec" finds the points of "ANAPEC").
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from bot import gazetteer
from bot.directory.models import ServicePoint

# The Earth's mean radius (IUGG), in km.
EARTH_RADIUS_KM = 6371.0088


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """The great-circle distance between two points, in km (haversine formula)."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    d_phi = phi2 - phi1
    d_lambda = math.radians(lon2 - lon1)
    h = math.sin(d_phi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(d_lambda / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


def _partner_key(partner: str) -> str:
    return " ".join(partner.split()).lower()


def _active(partner: str | None = None) -> Select[tuple[ServicePoint]]:
    query = select(ServicePoint).where(ServicePoint.active.is_(True))
    if partner is not None:
        query = query.where(func.lower(ServicePoint.partner) == _partner_key(partner))
    return query


def _ordered(query: Select[tuple[ServicePoint]]) -> Select[tuple[ServicePoint]]:
    # verified is a boolean: true sorts after false, hence descending.
    return query.order_by(ServicePoint.verified.desc(), ServicePoint.name, ServicePoint.id)


def points_in(session: Session, partner: str, province: str) -> list[ServicePoint]:
    """The active points of this partner in this province (a gazetteer code)."""
    query = _active(partner).where(ServicePoint.province == province)
    return list(session.scalars(_ordered(query)))


def nearest_for_province(
    session: Session, partner: str, province: str | None, limit: int = 2
) -> list[ServicePoint]:
    """At most `limit` active points of this partner for a woman of this province.

    The points in her province; if there are none, those in her province's region; if there
    are none either (or her province is unknown or None), any point of the partner. Within
    each tier: verified first, then by name.
    """
    if limit <= 0:
        return []
    tiers: list[Sequence[str]] = []
    if province:
        tiers.append([province])
        found = gazetteer.get(province)
        if found is not None:
            tiers.append([p.code for p in gazetteer.provinces() if p.region == found.region])
    for codes in tiers:
        query = _active(partner).where(ServicePoint.province.in_(codes))
        points = list(session.scalars(_ordered(query).limit(limit)))
        if points:
            return points
    return list(session.scalars(_ordered(_active(partner)).limit(limit)))


def nearest_to(
    session: Session,
    latitude: float,
    longitude: float,
    partner: str | None = None,
    limit: int = 3,
) -> list[tuple[ServicePoint, float]]:
    """The `limit` active points with coordinates nearest to this place, with their distance
    in km, nearest first (of one partner, or of every partner when `partner` is None)."""
    if limit <= 0:
        return []
    query = _active(partner).where(
        ServicePoint.latitude.is_not(None), ServicePoint.longitude.is_not(None)
    )
    scored = [
        (point, distance_km(latitude, longitude, point.latitude, point.longitude))  # type: ignore[arg-type]
        for point in session.scalars(query)
    ]
    scored.sort(key=lambda pd: (pd[1], not pd[0].verified, pd[0].name, pd[0].id))
    return scored[:limit]
