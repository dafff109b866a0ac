"""a round reopened after a formal objection records the round it reopens

`rounds.reopened_from_id` points at the closed consensus round that a chair reopened once a formal
objection in it was answered; a unique index lets a round be reopened only once.

SQLite cannot add a named foreign key to an existing table, so batch mode rebuilds `rounds` (copy
and move). Dropping the old table would, with foreign keys on, delete every round's items, positions
and eligible voters through their ON DELETE CASCADE: foreign keys are switched off around the rebuild.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28 10:00:00

"""
from contextlib import contextmanager

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def _sqlite() -> bool:
    return op.get_bind().dialect.name == 'sqlite'


def _foreign_keys(state: int) -> None:
    """Set PRAGMA foreign_keys on the driver's connection. Inside a transaction SQLite ignores it, so
    the migration's transaction is committed first (as Alembic's autocommit_block would) and a new one
    begun after; the setting is read back, because a silent no-op here would lose data."""
    raw = op.get_bind().connection.dbapi_connection
    in_transaction = raw.in_transaction
    if in_transaction:
        raw.commit()
    raw.execute(f'PRAGMA foreign_keys={state}')
    if raw.execute('PRAGMA foreign_keys').fetchone()[0] != state:
        raise RuntimeError('Could not set PRAGMA foreign_keys; rebuilding rounds would delete rows.')
    if in_transaction:
        raw.execute('BEGIN')


@contextmanager
def _rebuilt_rounds():
    """Batch operations on `rounds` on SQLite, with foreign keys off while the table is copied."""
    _foreign_keys(0)
    try:
        with op.batch_alter_table('rounds', schema=None, recreate='always') as batch_op:
            yield batch_op
        if op.get_bind().exec_driver_sql('PRAGMA foreign_key_check').first() is not None:
            raise RuntimeError('The rebuilt rounds table breaks a foreign key.')
    finally:
        _foreign_keys(1)


def upgrade():
    if not _sqlite():
        op.add_column('rounds', sa.Column('reopened_from_id', sa.Integer(), nullable=True))
        op.create_foreign_key(op.f('fk_rounds_reopened_from_id_rounds'), 'rounds', 'rounds',
                              ['reopened_from_id'], ['id'], ondelete='SET NULL')
    else:
        with _rebuilt_rounds() as batch_op:
            batch_op.add_column(sa.Column('reopened_from_id', sa.Integer(), nullable=True))
            batch_op.create_foreign_key(op.f('fk_rounds_reopened_from_id_rounds'), 'rounds',
                                        ['reopened_from_id'], ['id'], ondelete='SET NULL')
    op.create_index('ix_rounds_reopened_from_id', 'rounds', ['reopened_from_id'], unique=True)


def downgrade():
    op.drop_index('ix_rounds_reopened_from_id', table_name='rounds')
    if not _sqlite():
        op.drop_constraint(op.f('fk_rounds_reopened_from_id_rounds'), 'rounds', type_='foreignkey')
        op.drop_column('rounds', 'reopened_from_id')
    else:
        with _rebuilt_rounds() as batch_op:
            batch_op.drop_constraint(op.f('fk_rounds_reopened_from_id_rounds'), type_='foreignkey')
            batch_op.drop_column('reopened_from_id')
