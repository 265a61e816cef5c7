"""backlog import (issue 16, part 4): uploaded Excel backlogs and the cases each import created

Revision ID: 0022_backlog_import
Revises: 0024_rab
Create Date: 2026-11-29 18:10:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0022_backlog_import'
down_revision = '0024_rab'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'import_batch',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('unit_id', sa.Integer(), nullable=False),
        sa.Column('created_by_id', sa.Integer(), nullable=False),
        sa.Column('file_name', sa.String(length=200), nullable=False),
        sa.Column('stored_name', sa.String(length=80), nullable=True),
        sa.Column('status', sa.String(length=20), nullable=False),
        sa.Column('headers', sa.JSON(), nullable=True),
        sa.Column('mapping', sa.JSON(), nullable=True),
        sa.Column('stop_on_problem', sa.Boolean(), nullable=False),
        sa.Column('total_rows', sa.Integer(), nullable=True),
        sa.Column('ok_rows', sa.Integer(), nullable=True),
        sa.Column('problem_rows', sa.Integer(), nullable=True),
        sa.Column('report', sa.JSON(), nullable=True),
        sa.Column('cases_created', sa.Integer(), nullable=True),
        sa.Column('applicants_created', sa.Integer(), nullable=True),
        sa.Column('job_id', sa.Integer(), nullable=True),
        sa.Column('error', sa.Text(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('checked_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('imported_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('imported_by_id', sa.Integer(), nullable=True),
        sa.Column('undone_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('undone_by_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'], name=op.f('fk_import_batch_created_by_id_user_account')),
        sa.ForeignKeyConstraint(['imported_by_id'], ['user_account.id'], name=op.f('fk_import_batch_imported_by_id_user_account')),
        sa.ForeignKeyConstraint(['undone_by_id'], ['user_account.id'], name=op.f('fk_import_batch_undone_by_id_user_account')),
        sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], name=op.f('fk_import_batch_unit_id_unit')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_import_batch')),
    )
    op.create_index('ix_import_batch_unit_created', 'import_batch', ['unit_id', 'created_at'], unique=False)
    op.create_table(
        'imported_case',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('batch_id', sa.Integer(), nullable=False),
        sa.Column('row_number', sa.Integer(), nullable=False),
        sa.Column('case_id', sa.Integer(), nullable=True),
        sa.Column('applicant_id', sa.Integer(), nullable=True),
        sa.Column('case_version', sa.Integer(), nullable=False),
        sa.Column('applicant_version', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['batch_id'], ['import_batch.id'], name=op.f('fk_imported_case_batch_id_import_batch'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['case_id'], ['case_file.id'], name=op.f('fk_imported_case_case_id_case_file'), ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['applicant_id'], ['applicant.id'], name=op.f('fk_imported_case_applicant_id_applicant'), ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_imported_case')),
    )
    with op.batch_alter_table('imported_case', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_imported_case_batch_id'), ['batch_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_imported_case_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_imported_case_applicant_id'), ['applicant_id'], unique=False)


def downgrade():
    with op.batch_alter_table('imported_case', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_imported_case_applicant_id'))
        batch_op.drop_index(batch_op.f('ix_imported_case_case_id'))
        batch_op.drop_index(batch_op.f('ix_imported_case_batch_id'))
    op.drop_table('imported_case')
    op.drop_index('ix_import_batch_unit_created', table_name='import_batch')
    op.drop_table('import_batch')
