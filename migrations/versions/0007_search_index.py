"""full-text search: the index of clauses, comments, amendments and dispositions, built for existing data;
saved searches

`search_entries` holds one row per searchable text; the words go to the engine's own table: an FTS5
virtual table `search_fts` (with a trigger that forgets an entry's words when a cascade deletes it) on
SQLite, `search_vectors` (a tsvector with a GIN index) on PostgreSQL. The statements are those the
models run on `create_all`, and the index is filled by the same code that keeps it current, since the
words must be folded and stemmed in Python (deliberation/services/search/text.py).

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-04 18:32:27.220300

"""
from alembic import op
import sqlalchemy as sa

from deliberation.models.search import POSTGRESQL_CREATE, POSTGRESQL_DROP, SQLITE_CREATE, SQLITE_DROP


# revision identifiers, used by Alembic.
revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('search_entries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=12), nullable=False),
    sa.Column('working_group_id', sa.Integer(), nullable=False),
    sa.Column('document_id', sa.Integer(), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('clause_id', sa.Integer(), nullable=False),
    sa.Column('comment_id', sa.Integer(), nullable=True),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('stakeholder_group_id', sa.Integer(), nullable=True),
    sa.Column('language', sa.String(length=2), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['users.id'], name=op.f('fk_search_entries_author_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['clause_id'], ['clauses.id'], name=op.f('fk_search_entries_clause_id_clauses'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['comment_id'], ['comments.id'], name=op.f('fk_search_entries_comment_id_comments'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['document_id'], ['documents.id'], name=op.f('fk_search_entries_document_id_documents'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['stakeholder_group_id'], ['stakeholder_groups.id'], name=op.f('fk_search_entries_stakeholder_group_id_stakeholder_groups'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['version_id'], ['versions.id'], name=op.f('fk_search_entries_version_id_versions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['working_group_id'], ['working_groups.id'], name=op.f('fk_search_entries_working_group_id_working_groups'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_search_entries'))
    )
    with op.batch_alter_table('search_entries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_search_entries_clause_id'), ['clause_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_search_entries_comment_id'), ['comment_id'], unique=False)
        batch_op.create_index('ix_search_entries_document_kind', ['document_id', 'kind'], unique=False)
        batch_op.create_index(batch_op.f('ix_search_entries_version_id'), ['version_id'], unique=False)
    op.create_table('saved_searches',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('query', sa.String(length=500), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_saved_searches_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_saved_searches')),
    sa.UniqueConstraint('user_id', 'query', name=op.f('uq_saved_searches_user_id_query'))
    )
    for statement in _engine_statements(SQLITE_CREATE, POSTGRESQL_CREATE):
        op.execute(statement)

    from deliberation.services.search.indexing import rebuild_index

    rebuild_index(op.get_bind())


def _engine_statements(sqlite, postgresql):
    return postgresql if op.get_bind().dialect.name == 'postgresql' else sqlite


def downgrade():
    for statement in _engine_statements(SQLITE_DROP, POSTGRESQL_DROP):
        op.execute(statement)
    with op.batch_alter_table('search_entries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_search_entries_version_id'))
        batch_op.drop_index('ix_search_entries_document_kind')
        batch_op.drop_index(batch_op.f('ix_search_entries_comment_id'))
        batch_op.drop_index(batch_op.f('ix_search_entries_clause_id'))

    op.drop_table('search_entries')
    op.drop_table('saved_searches')
