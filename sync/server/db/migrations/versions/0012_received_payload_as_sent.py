"""A received event's payload is kept as the text it was stored with (``json``), not parsed into
``jsonb``: nothing queries inside it but the rare erasure, and parsing 1–2 kB per event was a third of
PostgreSQL's work for a pushed sale (bench/SYNC.md, stop 30: 91 → 49 ms of database CPU per 1,000 sales).

The upgrade rewrites the table once (``ALTER … TYPE``, under an exclusive lock): 4.2 s for 110,000
events on the 2-core test machine, so about 40 s per million; pushes wait meanwhile (docs/deploy.md).

Revision ID: 0012_received_payload_as_sent
Revises: 0011_feed_by_store
Create Date: 2026-12-04 19:50:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0012_received_payload_as_sent"
down_revision: str | None = "0011_feed_by_store"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return  # SQLite keeps JSON as text either way
    op.alter_column(
        "received_events", "payload", type_=sa.JSON(), existing_type=postgresql.JSONB(),
        postgresql_using="payload::json",
    )  # fmt: skip


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.alter_column(
        "received_events", "payload", type_=postgresql.JSONB(), existing_type=sa.JSON(),
        postgresql_using="payload::jsonb",
    )  # fmt: skip
