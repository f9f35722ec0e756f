"""each person's landing page (app_user.landing_page)

Revision ID: 0009
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Nullable, no default: a person who never chose lands by their role (okr.home.rules.landing).
    with op.batch_alter_table("app_user", schema=None) as batch_op:
        batch_op.add_column(sa.Column("landing_page", sa.String(length=16), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("app_user", schema=None) as batch_op:
        batch_op.drop_column("landing_page")
