"""design library (issue 18, part 1): the drawings of a design (plan, elevation, section, other)

Revision ID: 0023_design_library
Revises: 0022_backlog_import
Create Date: 2026-11-29 18:10:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0023_design_library'
down_revision = '0022_backlog_import'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'design_file',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('design_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=20), nullable=False),
        sa.Column('title', sa.String(length=200), nullable=False),
        sa.Column('original_name', sa.String(length=200), nullable=False),
        sa.Column('stored_name', sa.String(length=100), nullable=False),
        sa.Column('content_type', sa.String(length=100), nullable=False),
        sa.Column('size_bytes', sa.Integer(), nullable=False),
        sa.Column('uploaded_by_id', sa.Integer(), nullable=True),
        sa.Column('uploaded_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['design_id'], ['design.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['uploaded_by_id'], ['user_account.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_design_file_design_id', 'design_file', ['design_id'])


def downgrade():
    op.drop_index('ix_design_file_design_id', table_name='design_file')
    op.drop_table('design_file')
