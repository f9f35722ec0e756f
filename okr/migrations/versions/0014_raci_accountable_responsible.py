"""a RACI letter may be A/R: the Accountable who also does the work

Revision ID: 0014
Revises: 0013
"""

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("raci_assignment", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_raci_assignment_letter"), type_="check")
        batch_op.alter_column("letter", existing_type=sa.String(length=1), type_=sa.String(length=3))
        batch_op.create_check_constraint(op.f("ck_raci_assignment_letter"), "letter IN ('R', 'A', 'A/R', 'C', 'I')")


def downgrade() -> None:
    # An A/R goes back to A (the owner keeps the item); the R it held is lost with the letter.
    op.execute("UPDATE raci_assignment SET letter = 'A' WHERE letter = 'A/R'")
    with op.batch_alter_table("raci_assignment", schema=None) as batch_op:
        batch_op.drop_constraint(op.f("ck_raci_assignment_letter"), type_="check")
        batch_op.alter_column("letter", existing_type=sa.String(length=3), type_=sa.String(length=1))
        batch_op.create_check_constraint(op.f("ck_raci_assignment_letter"), "letter IN ('R', 'A', 'C', 'I')")
