"""designs and RAB (issue 18): house designs and their hand-outs, price lists, AHSP work items, RABs

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
    op.create_table('work_item',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=30), nullable=False),
    sa.Column('group', sa.String(length=40), nullable=False),
    sa.Column('name', sa.String(length=300), nullable=False),
    sa.Column('unit', sa.String(length=20), nullable=False),
    sa.Column('source', sa.Text(), nullable=False),
    sa.Column('is_example', sa.Boolean(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('code', name='uq_work_item_code')
    )
    op.create_table('work_item_coefficient',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('work_item_id', sa.Integer(), nullable=False),
    sa.Column('resource_code', sa.String(length=30), nullable=False),
    sa.Column('resource_kind', sa.String(length=20), nullable=False),
    sa.Column('resource_name', sa.String(length=200), nullable=False),
    sa.Column('resource_unit', sa.String(length=20), nullable=False),
    sa.Column('coefficient', sa.Numeric(precision=12, scale=4), nullable=False),
    sa.Column('source', sa.String(length=300), nullable=False),
    sa.ForeignKeyConstraint(['work_item_id'], ['work_item.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('work_item_coefficient', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_work_item_coefficient_work_item_id'), ['work_item_id'], unique=False)

    op.create_table('price_list',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('regency_code', sa.String(length=13), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('source', sa.Text(), nullable=False),
    sa.Column('source_date', sa.Date(), nullable=True),
    sa.Column('copied_from_id', sa.Integer(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['copied_from_id'], ['price_list.id'], ),
    sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'], ),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('unit_id', 'regency_code', 'year', 'name', name='uq_price_list')
    )
    with op.batch_alter_table('price_list', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_price_list_regency_code'), ['regency_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_price_list_unit_id'), ['unit_id'], unique=False)

    op.create_table('price_item',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('price_list_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=30), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('unit', sa.String(length=20), nullable=False),
    sa.Column('price', sa.Numeric(precision=15, scale=2), nullable=False),
    sa.Column('source', sa.String(length=300), nullable=False),
    sa.ForeignKeyConstraint(['price_list_id'], ['price_list.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('price_list_id', 'code', name='uq_price_item_code')
    )
    with op.batch_alter_table('price_item', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_price_item_price_list_id'), ['price_list_id'], unique=False)

    op.create_table('rab',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('price_list_id', sa.Integer(), nullable=True),
    sa.Column('design_id', sa.Integer(), nullable=True),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('overhead_pct', sa.Numeric(precision=5, scale=2), nullable=False),
    sa.Column('smkk_amount', sa.Numeric(precision=15, scale=2), nullable=False),
    sa.Column('total', sa.Numeric(precision=15, scale=2), nullable=False),
    sa.Column('household_amount', sa.Numeric(precision=15, scale=2), nullable=False),
    sa.Column('aid_ceiling', sa.Numeric(precision=15, scale=2), nullable=True),
    sa.Column('lock_version', sa.Integer(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('handed_over_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('handed_over_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['case_file.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'], ),
    sa.ForeignKeyConstraint(['design_id'], ['design.id'], ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['handed_over_by_id'], ['user_account.id'], ),
    sa.ForeignKeyConstraint(['price_list_id'], ['price_list.id'], ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('case_id', 'version', name='uq_rab_case_version')
    )
    with op.batch_alter_table('rab', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_rab_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_rab_handed_over_at'), ['handed_over_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_rab_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_rab_unit_id'), ['unit_id'], unique=False)

    op.create_table('rab_template_line',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('design_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('work_item_code', sa.String(length=30), nullable=False),
    sa.Column('volume', sa.Numeric(precision=12, scale=3), nullable=False),
    sa.Column('note', sa.String(length=300), nullable=False),
    sa.ForeignKeyConstraint(['design_id'], ['design.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('rab_template_line', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_rab_template_line_design_id'), ['design_id'], unique=False)

    op.create_table('design_handout',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('design_id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=True),
    sa.Column('handed_by_id', sa.Integer(), nullable=False),
    sa.Column('handed_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['case_file.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['design_id'], ['design.id'], ),
    sa.ForeignKeyConstraint(['event_id'], ['case_event.id'], ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['handed_by_id'], ['user_account.id'], ),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('design_handout', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_design_handout_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_design_handout_design_id'), ['design_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_design_handout_handed_at'), ['handed_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_design_handout_unit_id'), ['unit_id'], unique=False)

    op.create_table('rab_line',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('rab_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('work_item_id', sa.Integer(), nullable=True),
    sa.Column('group', sa.String(length=40), nullable=False),
    sa.Column('code', sa.String(length=30), nullable=False),
    sa.Column('name', sa.String(length=300), nullable=False),
    sa.Column('unit', sa.String(length=20), nullable=False),
    sa.Column('volume', sa.Numeric(precision=12, scale=3), nullable=False),
    sa.Column('volume_note', sa.String(length=300), nullable=False),
    sa.Column('unit_price', sa.Numeric(precision=15, scale=2), nullable=False),
    sa.Column('amount', sa.Numeric(precision=15, scale=2), nullable=False),
    sa.Column('by_household', sa.Boolean(), nullable=False),
    sa.Column('breakdown', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['rab_id'], ['rab.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['work_item_id'], ['work_item.id'], ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('rab_line', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_rab_line_rab_id'), ['rab_id'], unique=False)


def downgrade():
    with op.batch_alter_table('rab_line', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_rab_line_rab_id'))

    op.drop_table('rab_line')
    with op.batch_alter_table('design_handout', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_design_handout_unit_id'))
        batch_op.drop_index(batch_op.f('ix_design_handout_handed_at'))
        batch_op.drop_index(batch_op.f('ix_design_handout_design_id'))
        batch_op.drop_index(batch_op.f('ix_design_handout_case_id'))

    op.drop_table('design_handout')
    with op.batch_alter_table('rab_template_line', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_rab_template_line_design_id'))

    op.drop_table('rab_template_line')
    with op.batch_alter_table('rab', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_rab_unit_id'))
        batch_op.drop_index(batch_op.f('ix_rab_status'))
        batch_op.drop_index(batch_op.f('ix_rab_handed_over_at'))
        batch_op.drop_index(batch_op.f('ix_rab_case_id'))

    op.drop_table('rab')
    with op.batch_alter_table('price_item', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_price_item_price_list_id'))

    op.drop_table('price_item')
    with op.batch_alter_table('price_list', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_price_list_unit_id'))
        batch_op.drop_index(batch_op.f('ix_price_list_regency_code'))

    op.drop_table('price_list')
    with op.batch_alter_table('work_item_coefficient', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_work_item_coefficient_work_item_id'))

    op.drop_table('work_item_coefficient')
    op.drop_table('work_item')
    op.drop_index('ix_design_unit_id', table_name='design')
    op.drop_table('design')
