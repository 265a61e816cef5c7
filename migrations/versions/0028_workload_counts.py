"""workload counts from the index alone (issue 17)

* case_file (assignee_id, status, resolution_due) replaces (assignee_id, status): the workload's
  open and overdue cases per person (krs.cases.workload) are counted from the index without
  reading each open case's row for its resolution date — at 1M cases on PostgreSQL the Direktorat's
  home page read 61k rows for it (80-165 ms). Every use of the old index is a prefix of the new one.

Revision ID: 0028_workload_counts
Revises: 0027_desk_speed2
Create Date: 2026-11-29 22:20:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0028_workload_counts'
down_revision = '0027_desk_speed2'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index(
        'ix_case_assignee_status_due', 'case_file', ['assignee_id', 'status', 'resolution_due'], unique=False
    )
    op.drop_index('ix_case_assignee_status', table_name='case_file')


def downgrade():
    op.create_index('ix_case_assignee_status', 'case_file', ['assignee_id', 'status'], unique=False)
    op.drop_index('ix_case_assignee_status_due', table_name='case_file')
