"""a consensus designation that the tally contradicts records the chair's reason for overriding it

`round_items.designation_override` holds why a chair called an item "full consensus" or "consensus" when
the tally says otherwise (blocked, not adopted, a group short of quorum, or objections against "full
consensus"); services/designations.py refuses such a designation without one. Existing designations
predate the check and keep a null reason. A nullable column added in place: no table rebuild on SQLite.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-04 19:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column('round_items', sa.Column('designation_override', sa.Text(), nullable=True))


def downgrade():
    op.drop_column('round_items', 'designation_override')
