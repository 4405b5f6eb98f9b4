"""Every device has its register number: 0008 numbered the devices there were and every pairing since
gives one, so the column becomes ``NOT NULL``, as the model always said
(``tests/server/test_migrations_match_models.py`` keeps models and migrations the same).

Revision ID: 0013_register_no_required
Revises: 0012_received_payload_as_sent
Create Date: 2026-12-04 20:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013_register_no_required"
down_revision: str | None = "0012_received_payload_as_sent"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("devices") as batch:
        batch.alter_column("register_no", existing_type=sa.Integer(), nullable=False)


def downgrade() -> None:
    with op.batch_alter_table("devices") as batch:
        batch.alter_column("register_no", existing_type=sa.Integer(), nullable=True)
