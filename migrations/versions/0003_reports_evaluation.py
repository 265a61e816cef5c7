"""evaluation: service levels, unit targets, IKM surveys

Revision ID: 0003_reports
Revises: 0002_worklog
Create Date: 2026-11-27 20:00:00

"""
from datetime import UTC, datetime

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0003_reports'
down_revision = '0002_worklog'
branch_labels = None
depends_on = None

# The defaults of krs/cases/service.py (FIRST_RESPONSE_DAYS, RESOLUTION_DAYS) at the time of writing.
DEFAULT_LEVELS = {
    'program_info': 5,
    'house_design': 15,
    'cost_estimate': 10,
    'construction': 10,
    'permits': 20,
    'financing': 10,
    'other': 10,
}


def upgrade():
    service_level = op.create_table('service_level',
    sa.Column('service', sa.String(length=30), nullable=False),
    sa.Column('first_response_days', sa.Integer(), nullable=False),
    sa.Column('resolution_days', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('service')
    )
    op.create_table('unit_target',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('cases_served', sa.Integer(), nullable=False),
    sa.Column('within_sla_pct', sa.Numeric(precision=5, scale=2), nullable=False),
    sa.Column('min_ikm', sa.Numeric(precision=5, scale=2), nullable=False),
    sa.Column('field_visits', sa.Integer(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('unit_id', 'year', name='uq_target_unit_year')
    )
    op.create_table('ikm_survey',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('token', sa.String(length=64), nullable=False),
    sa.Column('mode', sa.String(length=10), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('u1', sa.SmallInteger(), nullable=True),
    sa.Column('u2', sa.SmallInteger(), nullable=True),
    sa.Column('u3', sa.SmallInteger(), nullable=True),
    sa.Column('u4', sa.SmallInteger(), nullable=True),
    sa.Column('u5', sa.SmallInteger(), nullable=True),
    sa.Column('u6', sa.SmallInteger(), nullable=True),
    sa.Column('u7', sa.SmallInteger(), nullable=True),
    sa.Column('u8', sa.SmallInteger(), nullable=True),
    sa.Column('u9', sa.SmallInteger(), nullable=True),
    sa.Column('comment', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['case_file.id'], ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'], ),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('token')
    )
    with op.batch_alter_table('ikm_survey', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ikm_survey_case_id'), ['case_id'], unique=False)
        batch_op.create_index('ix_survey_unit_submitted', ['unit_id', 'submitted_at'], unique=False)

    now = datetime.now(UTC)
    op.bulk_insert(service_level, [
        {'service': s, 'first_response_days': 2, 'resolution_days': d, 'updated_at': now}
        for s, d in DEFAULT_LEVELS.items()
    ])


def downgrade():
    with op.batch_alter_table('ikm_survey', schema=None) as batch_op:
        batch_op.drop_index('ix_survey_unit_submitted')
        batch_op.drop_index(batch_op.f('ix_ikm_survey_case_id'))
    op.drop_table('ikm_survey')
    op.drop_table('unit_target')
    op.drop_table('service_level')
