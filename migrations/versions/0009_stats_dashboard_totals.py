"""dashboard totals: stat_day and stat_month, kept by krs.reports.stats, filled from the data

Revision ID: 0009_stats
Revises: 0006_security
Create Date: 2026-11-27 23:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0009_stats'
down_revision = '0006_security'
branch_labels = None
depends_on = None


def upgrade():
    for table, column in (('stat_day', 'day'), ('stat_month', 'month')):
        op.create_table(table,
        sa.Column('unit_id', sa.Integer(), nullable=False),
        sa.Column(column, sa.Date(), nullable=False),
        sa.Column('metric', sa.String(length=12), nullable=False),
        sa.Column('key', sa.String(length=30), nullable=False),
        sa.Column('n', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], ),
        sa.PrimaryKeyConstraint('unit_id', column, 'metric', 'key')
        )
    op.create_index('ix_stat_day_metric', 'stat_day', ['metric', 'unit_id', 'day', 'key', 'n'], unique=False)
    # existing installations: the totals of the data already there
    from krs.reports.stats import rebuild

    rebuild(op.get_bind())


def downgrade():
    op.drop_index('ix_stat_day_metric', table_name='stat_day')
    op.drop_table('stat_month')
    op.drop_table('stat_day')
