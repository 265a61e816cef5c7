"""form drafts: what a user typed when their session ended, kept until they sign in (issue 14)

Revision ID: 0018_drafts
Revises: 0017_attachment_kind
Create Date: 2026-12-01 10:00:00

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0018_drafts'
down_revision = '0017_attachment_kind'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'form_draft',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('page', sa.String(length=500), nullable=False),
        sa.Column('endpoint', sa.String(length=100), nullable=False),
        sa.Column('fields', sa.JSON(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('form_draft') as batch_op:
        batch_op.create_index('ix_form_draft_owner', ['user_id', 'page', 'endpoint'], unique=False)
        batch_op.create_index(batch_op.f('ix_form_draft_created_at'), ['created_at'], unique=False)


def downgrade():
    with op.batch_alter_table('form_draft') as batch_op:
        batch_op.drop_index(batch_op.f('ix_form_draft_created_at'))
        batch_op.drop_index('ix_form_draft_owner')
    op.drop_table('form_draft')
