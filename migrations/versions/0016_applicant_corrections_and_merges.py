"""corrections and merges of applicants (issue 14)

An applicant's edit form carries the record's version (optimistic lock, bumped by the edit);
a record merged into another is kept with `merged_into_id`; `applicant_merge` remembers each
merge (values before, cases moved) so an admin can undo it.

Revision ID: 0016_applicant_merge
Revises: 0014_letterhead
Create Date: 2026-11-28 10:00:00

"""
import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = '0016_applicant_merge'
down_revision = '0014_letterhead'
branch_labels = None
depends_on = None


def upgrade():
    # Plain ADD COLUMN, not a batch (which on SQLite copies the table and drops the search
    # triggers of applicant_fts, migration 0007_perf).
    op.add_column('applicant', sa.Column('version', sa.Integer(), server_default='1', nullable=False))
    if op.get_bind().dialect.name == 'sqlite':
        op.execute('ALTER TABLE applicant ADD COLUMN merged_into_id INTEGER REFERENCES applicant (id)')
    else:
        op.add_column('applicant', sa.Column('merged_into_id', sa.Integer(), nullable=True))
        op.create_foreign_key('fk_applicant_merged_into', 'applicant', 'applicant', ['merged_into_id'], ['id'])
    op.create_index('ix_applicant_merged_into_id', 'applicant', ['merged_into_id'], unique=False)
    op.create_table(
        'applicant_merge',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('survivor_id', sa.Integer(), nullable=False),
        sa.Column('merged_id', sa.Integer(), nullable=False),
        sa.Column('reason', sa.String(length=2000), nullable=False),
        sa.Column('survivor_before', sa.JSON(), nullable=False),
        sa.Column('merged_before', sa.JSON(), nullable=False),
        sa.Column('survivor_after', sa.JSON(), nullable=False),
        sa.Column('moved_case_ids', sa.JSON(), nullable=False),
        sa.Column('merged_by_id', sa.Integer(), nullable=False),
        sa.Column('merged_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('unmerged_by_id', sa.Integer(), nullable=True),
        sa.Column('unmerged_at', sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['merged_by_id'], ['user_account.id']),
        sa.ForeignKeyConstraint(['merged_id'], ['applicant.id']),
        sa.ForeignKeyConstraint(['survivor_id'], ['applicant.id']),
        sa.ForeignKeyConstraint(['unmerged_by_id'], ['user_account.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('applicant_merge') as batch_op:
        batch_op.create_index('ix_applicant_merge_survivor_id', ['survivor_id'], unique=False)
        batch_op.create_index('ix_applicant_merge_merged_id', ['merged_id'], unique=False)


def downgrade():
    op.drop_table('applicant_merge')
    op.drop_index('ix_applicant_merged_into_id', table_name='applicant')
    if op.get_bind().dialect.name == 'sqlite':
        # SQLite drops a column only without its constraint; the search triggers survive DROP COLUMN
        op.execute('PRAGMA foreign_keys=OFF')
    else:
        op.drop_constraint('fk_applicant_merged_into', 'applicant', type_='foreignkey')
    op.drop_column('applicant', 'merged_into_id')
    op.drop_column('applicant', 'version')
