"""server-side sign-in sessions; collective leave (cuti bersama) counted as non-working days

user_session: one row per signed-in session, its id in the signed cookie (issue 13 point 3).
work_calendar_year: the admin's per-year choice whether collective leave is off (default: it is,
issue 13 point 8). The stored due dates of every case are set again with collective leave counted
as non-working (each due date keeps its number of working days after the case's opening day), and
the dashboard totals are rebuilt, as 0009 built them.

Revision ID: 0011_sessions_calendar
Revises: 0010_transfer_seq
Create Date: 2026-11-28 10:00:00

"""
from alembic import op
import sqlalchemy as sa

from krs import workdays


# revision identifiers, used by Alembic.
revision = '0011_sessions_calendar'
down_revision = '0010_transfer_seq'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('user_session',
    sa.Column('id', sa.String(length=64), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('user_session', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_user_session_user_id'), ['user_id'], unique=False)
    op.create_table('work_calendar_year',
    sa.Column('year', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('collective_leave_off', sa.Boolean(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('year')
    )
    _recount(old=workdays.PUBLIC_HOLIDAYS_ONLY, new=workdays.DEFAULT)


def downgrade():
    years = op.get_bind().execute(
        sa.text('SELECT year FROM work_calendar_year WHERE collective_leave_off = :off'), {'off': False}
    ).scalars()
    _recount(old=workdays.Calendar(exceptions=frozenset(years)), new=workdays.PUBLIC_HOLIDAYS_ONLY)
    op.drop_table('work_calendar_year')
    with op.batch_alter_table('user_session', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_user_session_user_id'))
    op.drop_table('user_session')


def _recount(old, new):
    """Due dates from the `old` calendar to the `new` one, then the totals counted with `new`."""
    from krs.reports.stats import rebuild

    conn = op.get_bind()
    workdays.move_due_dates(conn, old, new)
    with workdays.using(new):
        rebuild(conn)
