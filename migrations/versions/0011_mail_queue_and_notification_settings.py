"""notifications for every event that asks something of someone: where it happened and whether it was
mailed; the outgoing mail queue; per-member notification settings; follows of threads and clauses

Revision ID: 0011
Revises: 0008
Create Date: 2026-12-05 23:45:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0011'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.add_column(sa.Column('document_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('round_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('data', sa.JSON(), nullable=False, server_default='{}'))
        batch_op.add_column(sa.Column('mailed_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_notifications_document_id_documents'), 'documents',
                                    ['document_id'], ['id'], ondelete='CASCADE')
        batch_op.create_foreign_key(batch_op.f('fk_notifications_round_id_rounds'), 'rounds',
                                    ['round_id'], ['id'], ondelete='CASCADE')
        batch_op.create_index(batch_op.f('ix_notifications_document_id'), ['document_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_notifications_mailed_at'), ['mailed_at'], unique=False)
    # Notifications from before this revision were mailed (or not) the old way: no digest repeats them.
    op.execute("UPDATE notifications SET mailed_at = created_at")
    op.execute("UPDATE notifications SET document_id = (SELECT comments.document_id FROM comments "
               "WHERE comments.id = notifications.comment_id) WHERE comment_id IS NOT NULL")

    op.create_table(
        'mail_queue',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=True),
        sa.Column('document_id', sa.Integer(), nullable=True),
        sa.Column('recipient', sa.String(length=254), nullable=False),
        sa.Column('subject', sa.String(length=300), nullable=False),
        sa.Column('text_body', sa.Text(), nullable=False),
        sa.Column('html_body', sa.Text(), nullable=False),
        sa.Column('unsubscribe_url', sa.String(length=1000), nullable=True),
        sa.Column('status', sa.String(length=10), nullable=False),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('next_attempt_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('last_error', sa.Text(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['document_id'], ['documents.id'],
                                name=op.f('fk_mail_queue_document_id_documents'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_mail_queue_user_id_users'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_mail_queue')),
    )
    op.create_index('ix_mail_queue_due', 'mail_queue', ['status', 'next_attempt_at'])
    op.create_index(op.f('ix_mail_queue_user_id'), 'mail_queue', ['user_id'])

    op.create_table(
        'notification_settings',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=20), nullable=False),
        sa.Column('frequency', sa.String(length=12), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_notification_settings_user_id_users'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_notification_settings')),
        sa.UniqueConstraint('user_id', 'kind', name=op.f('uq_notification_settings_user_id_kind')),
    )

    op.create_table(
        'follows',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('comment_id', sa.Integer(), nullable=True),
        sa.Column('clause_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['clause_id'], ['clauses.id'], name=op.f('fk_follows_clause_id_clauses'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['comment_id'], ['comments.id'], name=op.f('fk_follows_comment_id_comments'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_follows_user_id_users'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_follows')),
        sa.UniqueConstraint('user_id', 'clause_id', name=op.f('uq_follows_user_id_clause_id')),
        sa.UniqueConstraint('user_id', 'comment_id', name=op.f('uq_follows_user_id_comment_id')),
    )
    op.create_index(op.f('ix_follows_clause_id'), 'follows', ['clause_id'])
    op.create_index(op.f('ix_follows_comment_id'), 'follows', ['comment_id'])


def downgrade():
    op.drop_index(op.f('ix_follows_comment_id'), table_name='follows')
    op.drop_index(op.f('ix_follows_clause_id'), table_name='follows')
    op.drop_table('follows')
    op.drop_table('notification_settings')
    op.drop_index(op.f('ix_mail_queue_user_id'), table_name='mail_queue')
    op.drop_index('ix_mail_queue_due', table_name='mail_queue')
    op.drop_table('mail_queue')
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_notifications_mailed_at'))
        batch_op.drop_index(batch_op.f('ix_notifications_document_id'))
        batch_op.drop_constraint(batch_op.f('fk_notifications_round_id_rounds'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_notifications_document_id_documents'), type_='foreignkey')
        batch_op.drop_column('mailed_at')
        batch_op.drop_column('data')
        batch_op.drop_column('round_id')
        batch_op.drop_column('document_id')
