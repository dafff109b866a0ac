"""working drafts: the next version written in the platform, amendments applied to it, co-editors

New tables `working_drafts` (one per document), `working_draft_clauses` (a clause keeps its key and
names the base clauses it continues), `working_draft_amendments` (an accepted amendment applied, with
the text before for undo) and `document_editors` (the `editor` right on one document); and
`comments.applied_in_version_id`, the version in which an accepted amendment was applied.

SQLite cannot add a named foreign key to an existing table, so batch mode rebuilds `comments` with
foreign keys off around the copy (as 0003 does for rounds): dropping the old table would otherwise
delete every reply, anchor and earlier text through their ON DELETE CASCADE.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-04 18:30:00

"""
from contextlib import contextmanager

from alembic import op
import sqlalchemy as sa



# revision identifiers, used by Alembic.
revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def _sqlite() -> bool:
    return op.get_bind().dialect.name == 'sqlite'


def _foreign_keys(state: int) -> None:
    """PRAGMA foreign_keys, outside the migration's transaction (SQLite ignores it inside one), read back."""
    raw = op.get_bind().connection.dbapi_connection
    in_transaction = raw.in_transaction
    if in_transaction:
        raw.commit()
    raw.execute(f'PRAGMA foreign_keys={state}')
    if raw.execute('PRAGMA foreign_keys').fetchone()[0] != state:
        raise RuntimeError('Could not set PRAGMA foreign_keys; rebuilding comments would delete rows.')
    if in_transaction:
        raw.execute('BEGIN')


@contextmanager
def _rebuilt_comments():
    _foreign_keys(0)
    try:
        with op.batch_alter_table('comments', schema=None, recreate='always') as batch_op:
            yield batch_op
        if op.get_bind().exec_driver_sql('PRAGMA foreign_key_check').first() is not None:
            raise RuntimeError('The rebuilt comments table breaks a foreign key.')
    finally:
        _foreign_keys(1)


def upgrade():
    op.create_table(
        'working_drafts',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('document_id', sa.Integer(), nullable=False),
        sa.Column('base_version_id', sa.Integer(), nullable=False),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['base_version_id'], ['versions.id'],
                                name=op.f('fk_working_drafts_base_version_id_versions'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['created_by_id'], ['users.id'],
                                name=op.f('fk_working_drafts_created_by_id_users'), ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['document_id'], ['documents.id'],
                                name=op.f('fk_working_drafts_document_id_documents'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_working_drafts')),
        sa.UniqueConstraint('document_id', name=op.f('uq_working_drafts_document_id')),
    )
    op.create_index(op.f('ix_working_drafts_base_version_id'), 'working_drafts', ['base_version_id'])
    op.create_table(
        'working_draft_clauses',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('draft_id', sa.Integer(), nullable=False),
        sa.Column('key', sa.String(length=32), nullable=False),
        sa.Column('parent_key', sa.String(length=32), nullable=True),
        sa.Column('position', sa.Integer(), nullable=False),
        sa.Column('depth', sa.Integer(), nullable=False),
        sa.Column('number', sa.String(length=40), nullable=True),
        sa.Column('heading', sa.String(length=500), nullable=True),
        sa.Column('text', sa.Text(), nullable=False),
        sa.Column('revision', sa.Integer(), nullable=False),
        sa.Column('predecessor_keys', sa.JSON(), nullable=False),
        sa.Column('updated_by_id', sa.Integer(), nullable=True),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['draft_id'], ['working_drafts.id'],
                                name=op.f('fk_working_draft_clauses_draft_id_working_drafts'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'],
                                name=op.f('fk_working_draft_clauses_updated_by_id_users'), ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_working_draft_clauses')),
        sa.UniqueConstraint('draft_id', 'key', name=op.f('uq_working_draft_clauses_draft_id_key')),
    )
    op.create_index(op.f('ix_working_draft_clauses_draft_id'), 'working_draft_clauses', ['draft_id'])
    op.create_table(
        'working_draft_amendments',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('draft_id', sa.Integer(), nullable=False),
        sa.Column('comment_id', sa.Integer(), nullable=False),
        sa.Column('clause_key', sa.String(length=32), nullable=False),
        sa.Column('status', sa.String(length=10), nullable=False),
        sa.Column('text_before', sa.Text(), nullable=False),
        sa.Column('replaced_text', sa.Text(), nullable=True),
        sa.Column('applied_text', sa.Text(), nullable=True),
        sa.Column('start', sa.Integer(), nullable=True),
        sa.Column('end', sa.Integer(), nullable=True),
        sa.Column('applied_by_id', sa.Integer(), nullable=True),
        sa.Column('applied_at', sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("status IN ('applied', 'by_hand')", name=op.f('ck_working_draft_amendments_status')),
        sa.ForeignKeyConstraint(['applied_by_id'], ['users.id'],
                                name=op.f('fk_working_draft_amendments_applied_by_id_users'), ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['comment_id'], ['comments.id'],
                                name=op.f('fk_working_draft_amendments_comment_id_comments'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['draft_id'], ['working_drafts.id'],
                                name=op.f('fk_working_draft_amendments_draft_id_working_drafts'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_working_draft_amendments')),
        sa.UniqueConstraint('draft_id', 'comment_id', name=op.f('uq_working_draft_amendments_draft_id_comment_id')),
    )
    op.create_index(op.f('ix_working_draft_amendments_comment_id'), 'working_draft_amendments', ['comment_id'])
    op.create_index(op.f('ix_working_draft_amendments_draft_id'), 'working_draft_amendments', ['draft_id'])
    op.create_table(
        'document_editors',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('document_id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('added_by_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['added_by_id'], ['users.id'],
                                name=op.f('fk_document_editors_added_by_id_users'), ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['document_id'], ['documents.id'],
                                name=op.f('fk_document_editors_document_id_documents'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'],
                                name=op.f('fk_document_editors_user_id_users'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_document_editors')),
        sa.UniqueConstraint('document_id', 'user_id', name=op.f('uq_document_editors_document_id_user_id')),
    )
    op.create_index(op.f('ix_document_editors_user_id'), 'document_editors', ['user_id'])
    if not _sqlite():
        op.add_column('comments', sa.Column('applied_in_version_id', sa.Integer(), nullable=True))
        op.create_foreign_key(op.f('fk_comments_applied_in_version_id_versions'), 'comments', 'versions',
                              ['applied_in_version_id'], ['id'], ondelete='SET NULL')
    else:
        with _rebuilt_comments() as batch_op:
            batch_op.add_column(sa.Column('applied_in_version_id', sa.Integer(), nullable=True))
            batch_op.create_foreign_key(op.f('fk_comments_applied_in_version_id_versions'), 'versions',
                                        ['applied_in_version_id'], ['id'], ondelete='SET NULL')

def downgrade():
    if not _sqlite():
        op.drop_constraint(op.f('fk_comments_applied_in_version_id_versions'), 'comments', type_='foreignkey')
        op.drop_column('comments', 'applied_in_version_id')
    else:
        with _rebuilt_comments() as batch_op:
            batch_op.drop_constraint(op.f('fk_comments_applied_in_version_id_versions'), type_='foreignkey')
            batch_op.drop_column('applied_in_version_id')
    op.drop_index(op.f('ix_document_editors_user_id'), table_name='document_editors')
    op.drop_table('document_editors')
    op.drop_index(op.f('ix_working_draft_amendments_draft_id'), table_name='working_draft_amendments')
    op.drop_index(op.f('ix_working_draft_amendments_comment_id'), table_name='working_draft_amendments')
    op.drop_table('working_draft_amendments')
    op.drop_index(op.f('ix_working_draft_clauses_draft_id'), table_name='working_draft_clauses')
    op.drop_table('working_draft_clauses')
    op.drop_index(op.f('ix_working_drafts_base_version_id'), table_name='working_drafts')
    op.drop_table('working_drafts')
