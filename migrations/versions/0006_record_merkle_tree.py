"""the record's Merkle tree: complete-subtree hashes over the record's events

`record_tree_nodes` holds, for each complete subtree of the RFC 9162 tree over the record's events,
its hash (see services/transparency). The upgrade builds the tree of an existing record in one pass
over its events in order (their chain hashes are the leaves' entries), writing nodes in batches.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-04 19:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'record_tree_nodes',
        sa.Column('level', sa.SmallInteger(), autoincrement=False, nullable=False),
        sa.Column('idx', sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column('hash', sa.LargeBinary(length=32), nullable=False),
        sa.PrimaryKeyConstraint('level', 'idx', name=op.f('pk_record_tree_nodes')),
    )
    # The hashing rules never change (a changed rule would break every checkpoint ever signed), so
    # the migration may use the app's one-pass builder.
    from deliberation.services.transparency.store import rebuild

    rebuild(op.get_bind())


def downgrade():
    op.drop_table('record_tree_nodes')
