"""A beneficiary: one woman, known by her phone number on SMS and WhatsApp alike."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from bot.db import Base, utcnow


def new_public_id() -> str:
    return uuid.uuid4().hex


class Beneficiary(Base):
    __tablename__ = "beneficiaries"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Opaque id shared with Rasa (sender id), so no phone number reaches the tracker store.
    public_id: Mapped[str] = mapped_column(String(32), unique=True, default=new_public_id)
    # E.164 number without the "whatsapp:" prefix, e.g. +212612345678.
    phone: Mapped[str] = mapped_column(String(32), unique=True)
    # Chosen language (fr, ar, ary, ary_Latn); None until she chooses one.
    language: Mapped[str | None] = mapped_column(String(16))
    # Language detected on her latest message, used while `language` is None.
    detected_language: Mapped[str | None] = mapped_column(String(16))
    # WhatsApp's ProfileName, offered for confirmation at registration.
    profile_name: Mapped[str | None] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    # Processing lease: one worker at a time handles her messages, in arrival order.
    lease_token: Mapped[str | None] = mapped_column(String(32))
    lease_until: Mapped[datetime | None]
    # The welcome and language choice were sent (first contact).
    welcomed_at: Mapped[datetime | None]

    # Consent (Law 09-08): nothing personal is kept before "given".
    consent: Mapped[str | None] = mapped_column(String(16))  # CONSENT_GIVEN / CONSENT_REFUSED
    consent_at: Mapped[datetime | None]
    consent_version: Mapped[str | None] = mapped_column(String(32))

    # Her profile, filled one answer at a time; complete only once she confirms it.
    first_name: Mapped[str | None] = mapped_column(String(60))
    age: Mapped[int | None]
    province: Mapped[str | None] = mapped_column(String(64))  # gazetteer code
    education_level: Mapped[str | None] = mapped_column(String(32))
    situation: Mapped[str | None] = mapped_column(String(32))
    goal: Mapped[str | None] = mapped_column(String(32))
    registered_at: Mapped[datetime | None]

    # Messages she did not ask for (reminders, broadcasts) stop when either is set.
    opted_out_at: Mapped[datetime | None]
    opt_out_source: Mapped[str | None] = mapped_column(String(32))
    sending_paused_at: Mapped[datetime | None]
    consecutive_failures: Mapped[int] = mapped_column(default=0, server_default="0")

    # Erasure: asked and confirmed by her, done by the worker once her confirmation is out.
    erasure_requested_at: Mapped[datetime | None]
    erased_at: Mapped[datetime | None]
    # Kept after erasure for anonymous statistics ("25-34"); no exact age.
    age_band: Mapped[str | None] = mapped_column(String(16))

    CONSENT_GIVEN = "given"
    CONSENT_REFUSED = "refused"

    @property
    def reply_language(self) -> str:
        return self.language or self.detected_language or "fr"

    @property
    def has_consented(self) -> bool:
        return self.consent == self.CONSENT_GIVEN

    @property
    def is_registered(self) -> bool:
        return self.registered_at is not None

    @property
    def accepts_unsolicited(self) -> bool:
        """Reminders and broadcasts may reach her (replies to her always may)."""
        return (
            self.opted_out_at is None
            and self.sending_paused_at is None
            and self.erased_at is None
            and self.erasure_requested_at is None
        )
