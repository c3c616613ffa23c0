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

    @property
    def reply_language(self) -> str:
        return self.language or self.detected_language or "fr"
