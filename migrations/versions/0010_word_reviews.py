"""reviewed Word files uploaded against a version, waiting for their uploader to confirm

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-05 23:50:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('word_reviews',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('uploader_id', sa.Integer(), nullable=True),
    sa.Column('on_behalf_of_id', sa.Integer(), nullable=True),
    sa.Column('filename', sa.String(length=255), nullable=False),
    sa.Column('items', sa.JSON(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('comment_ids', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('confirmed_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("status IN ('pending', 'confirmed')", name=op.f('ck_word_reviews_status')),
    sa.ForeignKeyConstraint(['on_behalf_of_id'], ['users.id'], name=op.f('fk_word_reviews_on_behalf_of_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['uploader_id'], ['users.id'], name=op.f('fk_word_reviews_uploader_id_users'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['version_id'], ['versions.id'], name=op.f('fk_word_reviews_version_id_versions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_word_reviews'))
    )
    with op.batch_alter_table('word_reviews', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_word_reviews_uploader_id'), ['uploader_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_word_reviews_version_id'), ['version_id'], unique=False)


def downgrade():
    with op.batch_alter_table('word_reviews', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_word_reviews_version_id'))
        batch_op.drop_index(batch_op.f('ix_word_reviews_uploader_id'))
    op.drop_table('word_reviews')
