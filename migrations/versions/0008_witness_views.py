"""the record's witnesses: the latest checkpoint each configured witness reported it checked and cosigned

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-05 12:50:00.000000

"""
from alembic import op
import sqlalchemy as sa



# revision identifiers, used by Alembic.
revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('witness_views',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('witness', sa.String(length=200), nullable=False),
    sa.Column('size', sa.BigInteger(), nullable=False),
    sa.Column('root', sa.LargeBinary(length=32), nullable=False),
    sa.Column('cosigned_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('witness')
    )
    with op.batch_alter_table('witness_views', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_witness_views_received_at'), ['received_at'], unique=False)


def downgrade():
    with op.batch_alter_table('witness_views', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_witness_views_received_at'))
    op.drop_table('witness_views')
