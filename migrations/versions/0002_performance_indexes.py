"""indexes found by the benchmark: a document's public events, the live tally, the objection register

With 200,000 record events the record page sorted all of a document's events to show the newest 50;
the live tally of 200 clauses x 1,000 members read every position row; the objection register scanned
a round's whole position history for formal objections. See docs/performance.md.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26 20:00:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('record_events', schema=None) as batch_op:
        batch_op.create_index('ix_record_events_document_public_seq', ['document_id', 'public', 'seq'], unique=False)

    with op.batch_alter_table('positions', schema=None) as batch_op:
        batch_op.drop_index('ix_positions_round_item')
        batch_op.create_index('ix_positions_tally', ['round_id', 'item_id', 'stakeholder_group_id', 'position',
                                                     'formal', 'withdrawn_at'], unique=False)

    with op.batch_alter_table('position_history', schema=None) as batch_op:
        batch_op.create_index('ix_position_history_formal', ['round_id', 'formal'], unique=False)


def downgrade():
    with op.batch_alter_table('position_history', schema=None) as batch_op:
        batch_op.drop_index('ix_position_history_formal')

    with op.batch_alter_table('positions', schema=None) as batch_op:
        batch_op.drop_index('ix_positions_tally')
        batch_op.create_index('ix_positions_round_item', ['round_id', 'item_id'], unique=False)

    with op.batch_alter_table('record_events', schema=None) as batch_op:
        batch_op.drop_index('ix_record_events_document_public_seq')
