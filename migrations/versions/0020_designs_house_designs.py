"""designs (issue 18): the standard house designs an office hands out

Revision ID: 0020_designs
Revises: 0019_desk_speed
Create Date: 2026-11-29 18:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0020_designs'
down_revision = '0019_desk_speed'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'design',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('unit_id', sa.Integer(), nullable=True),
        sa.Column('code', sa.String(length=30), nullable=False),
        sa.Column('name', sa.String(length=200), nullable=False),
        sa.Column('house_type', sa.String(length=40), nullable=False),
        sa.Column('floor_area_m2', sa.Numeric(precision=7, scale=2), nullable=False),
        sa.Column('floors', sa.Integer(), nullable=False),
        sa.Column('bedrooms', sa.Integer(), nullable=False),
        sa.Column('rooms', sa.Text(), nullable=False),
        sa.Column('structure', sa.String(length=20), nullable=False),
        sa.Column('quake_notes', sa.Text(), nullable=False),
        sa.Column('description', sa.Text(), nullable=False),
        sa.Column('active', sa.Boolean(), nullable=False),
        sa.Column('created_by_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['unit_id'], ['unit.id']),
        sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('code', name='uq_design_code'),
    )
    op.create_index('ix_design_unit_id', 'design', ['unit_id'])


def downgrade():
    op.drop_index('ix_design_unit_id', table_name='design')
    op.drop_table('design')
