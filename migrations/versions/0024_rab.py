"""rab (issue 18, h18b): aid ceilings as admin data; a RAB keeps the ceiling's name with its amount

Revision ID: 0024_rab
Revises: 0021_field_visits
Create Date: 2026-11-29 18:10:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0024_rab'
down_revision = '0021_field_visits'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'aid_ceiling',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=200), nullable=False),
        sa.Column('amount', sa.Numeric(precision=15, scale=2), nullable=False),
        sa.Column('valid_from', sa.Date(), nullable=True),
        sa.Column('source', sa.String(length=300), nullable=False),
        sa.Column('active', sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_aid_ceiling')),
    )
    with op.batch_alter_table('rab', schema=None) as batch_op:
        batch_op.add_column(sa.Column('aid_ceiling_name', sa.String(length=200), nullable=False, server_default=''))


def downgrade():
    with op.batch_alter_table('rab', schema=None) as batch_op:
        batch_op.drop_column('aid_ceiling_name')
    op.drop_table('aid_ceiling')
