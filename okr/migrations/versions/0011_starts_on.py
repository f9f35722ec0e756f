"""goals, objectives and key results count their pace from their own start (starts_on)

Revision ID: 0011
Revises: 0009
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

TABLES = ("annual_goal", "objective", "key_result")


def upgrade() -> None:
    # Nullable, no default: NULL means the item counts from its period's start, as every item
    # made before this column did (okr.rollup.formulas.pace).
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column("starts_on", sa.Date(), nullable=True))


def downgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column("starts_on")
