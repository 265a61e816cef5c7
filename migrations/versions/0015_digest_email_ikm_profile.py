"""reminders outside the app and the IKM respondent profile (issue 16, parts 5 and 7)

user_account.email (optional) receives the daily digest; digest_sent records one digest per
person per day (never sent twice); ikm_survey gains the respondent profile the standard IKM
report asks for: age band, sex, education, occupation (all optional).

Revision ID: 0015_digest_profile
Revises: 0011_sessions_calendar
Create Date: 2026-11-28 10:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0015_digest_profile'
down_revision = '0011_sessions_calendar'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('user_account') as batch_op:
        batch_op.add_column(sa.Column('email', sa.String(length=254), nullable=True))
    op.create_table(
        'digest_sent',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('day', sa.Date(), nullable=False),
        sa.Column('channel', sa.String(length=10), nullable=False),
        sa.Column('sent_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('user_id', 'day', name='uq_digest_sent_user_day'),
    )
    with op.batch_alter_table('ikm_survey') as batch_op:
        batch_op.add_column(sa.Column('age_band', sa.String(length=10), nullable=True))
        batch_op.add_column(sa.Column('sex', sa.String(length=1), nullable=True))
        batch_op.add_column(sa.Column('education', sa.String(length=10), nullable=True))
        batch_op.add_column(sa.Column('occupation', sa.String(length=12), nullable=True))


def downgrade():
    with op.batch_alter_table('ikm_survey') as batch_op:
        batch_op.drop_column('occupation')
        batch_op.drop_column('education')
        batch_op.drop_column('sex')
        batch_op.drop_column('age_band')
    op.drop_table('digest_sent')
    with op.batch_alter_table('user_account') as batch_op:
        batch_op.drop_column('email')
