"""a transferred case keeps its number: (unit_id, year, seq) is no longer unique

The number KRS-<UNIT>-<YEAR>-<SEQ> is issued once by the receiving office (case_counter, and
case_file.number stays unique). A case transferred to another office keeps it, so the new
office may already have a case with the same year and sequence: the old constraint made such
a transfer fail.

Revision ID: 0010_transfer_seq
Revises: 0009_stats
Create Date: 2026-11-27 23:55:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0010_transfer_seq'
down_revision = '0009_stats'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('case_file') as batch_op:
        batch_op.drop_constraint('uq_case_unit_year_seq', type_='unique')


def downgrade():
    with op.batch_alter_table('case_file') as batch_op:
        batch_op.create_unique_constraint('uq_case_unit_year_seq', ['unit_id', 'year', 'seq'])
