"""Indexes the reports need on other modules' tables (migration 0010).

They are declared here, beside the queries that use them, so each module's model stays
about its own work; `bot.models.import_all_models` imports this module so Alembic and the
migration test see them. On PostgreSQL the migration also keeps statistics on
upper(referrals.partner), which the partner filter reads. Measured with
`make bench-reports` (README, Benchmarks).
"""

from __future__ import annotations

from sqlalchemy import Index

from bot.beneficiaries.models import Beneficiary
from bot.messaging.models import Message
from bot.orientation.models import Referral

# A period's registrations and first contacts.
REGISTERED_AT = Index("ix_beneficiaries_registered_at", Beneficiary.registered_at)
CREATED_AT = Index("ix_beneficiaries_created_at", Beneficiary.created_at)
# A period's messages: the largest table, read by channel, language and direction.
MESSAGES_CREATED_AT = Index("ix_messages_created_at", Message.created_at)
# "Oriented to this partner": her referrals, looked up woman by woman.
REFERRALS_OF = Index("ix_referrals_beneficiary_partner", Referral.beneficiary_id, Referral.partner)
