"""desk speed (issue 17): the case's maintained next action, the workload's index, export jobs

* case_file.next_action_due / next_action_event_id: the latest follow-up's next-action date and
  id, kept by krs.case_lists in the follow-up's transaction; indexed (unit | assignee, status, date)
  and (status, date) so the home page and the reminders read an index range. Filled here from the events with
  one portable UPDATE (SQLite and PostgreSQL).
* case_event (author_id, created_at): the workload's last activity per officer is one index probe.
* export_job: large exports built by the worker (krs/jobs.py), polled by their page.

Revision ID: 0019_desk_speed
Revises: 0018_drafts
Create Date: 2026-11-29 15:20:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0019_desk_speed'
down_revision = '0018_drafts'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('case_file') as batch_op:
        batch_op.add_column(sa.Column('next_action_due', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('next_action_event_id', sa.Integer(), nullable=True))
    # existing installations: the next action of the data already there (before the indexes)
    from krs.case_lists import rebuild_next_actions

    rebuild_next_actions(op.get_bind())
    op.create_index('ix_case_unit_status_next', 'case_file', ['unit_id', 'status', 'next_action_due'], unique=False)
    op.create_index('ix_case_assignee_status_next', 'case_file', ['assignee_id', 'status', 'next_action_due'], unique=False)
    op.create_index('ix_case_status_next', 'case_file', ['status', 'next_action_due'], unique=False)
    op.create_index('ix_event_author_created', 'case_event', ['author_id', 'created_at'], unique=False)
    op.create_table('export_job',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('params', sa.JSON(), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('progress', sa.Integer(), nullable=False),
    sa.Column('total', sa.Integer(), nullable=True),
    sa.Column('file_key', sa.String(length=80), nullable=True),
    sa.Column('download_name', sa.String(length=120), nullable=True),
    sa.Column('content_type', sa.String(length=120), nullable=True),
    sa.Column('error', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_index('ix_export_job_user_created', 'export_job', ['user_id', 'created_at'], unique=False)


def downgrade():
    op.drop_index('ix_export_job_user_created', table_name='export_job')
    op.drop_table('export_job')
    op.drop_index('ix_event_author_created', table_name='case_event')
    op.drop_index('ix_case_status_next', table_name='case_file')
    op.drop_index('ix_case_assignee_status_next', table_name='case_file')
    op.drop_index('ix_case_unit_status_next', table_name='case_file')
    with op.batch_alter_table('case_file') as batch_op:
        batch_op.drop_column('next_action_event_id')
        batch_op.drop_column('next_action_due')
