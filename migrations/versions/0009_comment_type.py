"""comments gain an optional type of comment (general, technical, editorial) as in the ISO/IEC commenting template

`comments.comment_type` is set when writing or later by a chair; comments written before it existed keep a
null type and read as unset. A nullable column added in place (ADD COLUMN), without a CHECK constraint
(services.comments checks the value): SQLite could not drop a column named in a CHECK without rebuilding
the table, which would drop the search index's triggers on `comments`.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-05 23:50:00.000000

"""
from alembic import op
import sqlalchemy as sa


revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade():
    op.add_column('comments', sa.Column('comment_type', sa.String(length=10), nullable=True))


def downgrade():
    op.drop_column('comments', 'comment_type')
