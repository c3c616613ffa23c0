"""A service point: an ANAPEC agency, a RESOFEM contact point, or another partner's office."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Index, String, false, true
from sqlalchemy.orm import Mapped, mapped_column

from bot.db import Base, utcnow

ANAPEC = "ANAPEC"  # wage employment
RESOFEM = "RESOFEM"  # women's entrepreneurship
PARTNERS = (ANAPEC, RESOFEM)

# What a point offers. A point of another partner may offer any of these codes.
SERVICES: dict[str, tuple[str, ...]] = {
    ANAPEC: ("job_search", "cv", "interview", "insertion_programmes", "qualification"),
    RESOFEM: ("project_idea", "support", "coaching", "financing", "networking"),
}
# Every code, in this order (a point's services are stored in it).
ALL_SERVICES: tuple[str, ...] = tuple(
    dict.fromkeys(code for codes in SERVICES.values() for code in codes)
)

# Morocco's rough bounding box (Lagouira to Saïdia, Tangier to the southern border):
# coordinates outside it are a typo (a swapped sign, latitude and longitude exchanged).
LATITUDE_RANGE = (20.0, 36.5)
LONGITUDE_RANGE = (-17.5, -0.9)


def partner_name(partner: str) -> str:
    """ANAPEC and RESOFEM in capitals, whatever their case; another partner as written."""
    partner = " ".join(partner.split())
    return partner.upper() if partner.upper() in PARTNERS else partner


def services_for(partner: str) -> tuple[str, ...]:
    """The service codes a point of this partner may offer."""
    return SERVICES.get(partner_name(partner).upper(), ALL_SERVICES)


class ServicePoint(Base):
    __tablename__ = "service_points"
    __table_args__ = (Index("ix_service_points_partner_province", "partner", "province"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # Staff's own reference, so a CSV import updates rather than duplicates.
    code: Mapped[str] = mapped_column(String(64), unique=True)
    partner: Mapped[str] = mapped_column(String(32))  # ANAPEC, RESOFEM, or another's name
    name: Mapped[str] = mapped_column(String(200))
    province: Mapped[str] = mapped_column(String(64))  # gazetteer province code
    city: Mapped[str] = mapped_column(String(120))
    address: Mapped[str | None] = mapped_column(String(255))
    phone: Mapped[str | None] = mapped_column(String(32))  # E.164
    opening_hours: Mapped[str | None] = mapped_column(String(200))  # free text
    services: Mapped[list[str]] = mapped_column(JSON, default=list)  # codes of ALL_SERVICES
    latitude: Mapped[float | None]
    longitude: Mapped[float | None]
    # Checked by the programme's staff (a phone call, a visit). Seed data is not.
    verified: Mapped[bool] = mapped_column(default=False, server_default=false())
    active: Mapped[bool] = mapped_column(default=True, server_default=true())
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    @property
    def has_coordinates(self) -> bool:
        return self.latitude is not None and self.longitude is not None
