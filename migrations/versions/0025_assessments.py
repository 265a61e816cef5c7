"""assessments (issue 19): RTLH criteria versions and livability assessments with photos, programme criteria and pre-checks, referral.precheck_id

Revision ID: 0025_assessments
Revises: 0026_accompaniment
Create Date: 2026-11-29 17:53:50.944416

"""
from alembic import op
import sqlalchemy as sa
from datetime import date, datetime, timezone


# revision identifiers, used by Alembic.
revision = '0025_assessments'
down_revision = '0026_accompaniment'
branch_labels = None
depends_on = None


# The shipped reference data (issue 19): the office's RTLH rule and the programmes' published criteria,
# as in krs/assessments/service.py on the day of this migration; admins change them on /assessments/criteria.
RTLH_SOURCE = 'Aturan kantor (dapat diubah admin): Permen PUPR 29/2018 SPM (9 m² per orang); Kuesioner Pendataan Rumah 2020 Dit. Rumah Swadaya (komponen); kelas kerusakan formulir kabupaten (ringan < 25 %, sedang 25–50 %, berat > 50 %). Tidak ada bobot resmi yang ditemukan.'
RTLH_RULES = {'min_area_per_person': '9', 'structural_fail_from': 'rusak_sedang', 'non_structural_fail_from': None, 'health_required': ['toilet_septic', 'drinking_water']}
RTLH_NOTE = 'Aturan bawaan: komponen struktur rusak sedang/berat, luas per orang di bawah minimum, atau tanpa air minum layak / jamban bertangki septik → tidak layak huni.'
MBR_ZONES = {'zones': [{'zone': 4,
            'label': 'Jabodetabek',
            'provinces': ['31'],
            'regencies': ['32.01', '32.71', '32.76', '36.03', '36.71', '36.74', '32.16', '32.75'],
            'unmarried': 12000000,
            'married': 14000000},
           {'zone': 3,
            'label': 'Papua',
            'provinces': ['91', '92', '93', '94', '95', '96'],
            'regencies': [],
            'unmarried': 10500000,
            'married': 12000000},
           {'zone': 2,
            'label': 'Kalimantan, Sulawesi, Babel, Kepri, Maluku, Malut, Bali',
            'provinces': ['61',
                          '62',
                          '63',
                          '64',
                          '65',
                          '71',
                          '72',
                          '73',
                          '74',
                          '75',
                          '76',
                          '19',
                          '21',
                          '81',
                          '82',
                          '51'],
            'regencies': [],
            'unmarried': 9000000,
            'married': 11000000},
           {'zone': 1,
            'label': 'Jawa (di luar Jabodetabek), Sumatera, NTT, NTB',
            'provinces': [],
            'regencies': [],
            'unmarried': 8500000,
            'married': 10000000}]}
LAND = {'met': ['shm', 'other_title'], 'not_met': ['none']}
CRITERIA = [
    ('bsps', 'income_mbr', 'Penghasilan rumah tangga dalam batas MBR zona', MBR_ZONES, 'Permen PKP 5/2025 (berlaku 22 Apr 2025; diubah Permen PKP 1/2026, perubahan belum dikonfirmasi)'),
    ('bsps', 'house_owned_lived', 'Memiliki dan menempati rumah ini (satu-satunya rumah) ≥ 3 tahun?', None, 'Permen PUPR 7/2022 (dilaporkan 2023); Permen PKP 10/2025 (teks belum dibaca)'),
    ('bsps', 'land_owned', 'Tanah milik sendiri dengan bukti sah', LAND, 'Permen PUPR 7/2022 (dilaporkan 2023); Permen PKP 10/2025 (teks belum dibaca)'),
    ('bsps', 'no_earlier_aid', 'Belum menerima BSPS/bantuan serupa dalam 10 tahun terakhir (kecuali pascabencana)?', None, 'Permen PUPR 7/2022 (dilaporkan 2023); Permen PKP 10/2025 (teks belum dibaca)'),
    ('bsps', 'rtlh', 'Rumah tidak layak huni menurut penilaian RTLH', None, 'Permen PUPR 7/2022 (dilaporkan 2023); Permen PKP 10/2025 (teks belum dibaca)'),
    ('bsps', 'desk_yes', 'Bersedia membangun swadaya dalam kelompok (KPB) dan menandatangani surat pernyataan?', None, 'Permen PUPR 7/2022 (dilaporkan 2023); Permen PKP 10/2025 (teks belum dibaca)'),
    ('flpp', 'income_mbr', 'Penghasilan rumah tangga dalam batas MBR zona', MBR_ZONES, 'Permen PKP 5/2025 (berlaku 22 Apr 2025; diubah Permen PKP 1/2026, perubahan belum dikonfirmasi)'),
    ('flpp', 'desk_yes', 'Belum pernah memiliki rumah (rumah pertama)?', None, 'Ketentuan KPR FLPP / KPR Sejahtera (dilaporkan)'),
    ('flpp', 'no_earlier_aid', 'Belum pernah menerima subsidi perumahan dari pemerintah?', None, 'Ketentuan KPR FLPP / KPR Sejahtera (dilaporkan)'),
    ('tapera', 'income_mbr', 'Penghasilan rumah tangga dalam batas MBR zona', MBR_ZONES, 'Permen PKP 5/2025 (berlaku 22 Apr 2025; diubah Permen PKP 1/2026, perubahan belum dikonfirmasi)'),
    ('tapera', 'desk_yes', 'Peserta Tapera (terdaftar di BP Tapera)?', None, 'BP Tapera: KPR, KRR (renovasi), KBR (bangun)'),
    ('tapera', 'land_owned', 'Tanah milik sendiri dengan bukti sah (untuk KRR/KBR)', LAND, 'BP Tapera: KRR/KBR'),
    ('bp2bt', 'income_mbr', 'Penghasilan rumah tangga dalam batas MBR zona', MBR_ZONES, 'Permen PKP 5/2025 (berlaku 22 Apr 2025; diubah Permen PKP 1/2026, perubahan belum dikonfirmasi)'),
    ('bp2bt', 'desk_yes', 'Memiliki tabungan di bank pelaksana?', None, 'BP2BT (status program belum dikonfirmasi)'),
    ('bp2bt', 'land_owned', 'Tanah milik sendiri dengan bukti sah (bangun swadaya)', LAND, 'BP2BT (status program belum dikonfirmasi)'),
]


def upgrade():
    # ### commands auto generated by Alembic - please adjust! ###
    op.create_table('programme_criterion',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('programme', sa.String(length=40), nullable=False),
    sa.Column('question', sa.String(length=300), nullable=False),
    sa.Column('rule', sa.String(length=30), nullable=False),
    sa.Column('params', sa.JSON(), nullable=True),
    sa.Column('source', sa.Text(), nullable=False),
    sa.Column('valid_from', sa.Date(), nullable=False),
    sa.Column('valid_to', sa.Date(), nullable=True),
    sa.Column('sort_order', sa.Integer(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('programme_criterion', schema=None) as batch_op:
        batch_op.create_index('ix_programme_criterion_programme', ['programme', 'valid_from'], unique=False)

    op.create_table('rtlh_criteria',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('version', sa.String(length=40), nullable=False),
    sa.Column('source', sa.Text(), nullable=False),
    sa.Column('valid_from', sa.Date(), nullable=False),
    sa.Column('rules', sa.JSON(), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('version')
    )
    op.create_table('rtlh_assessment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('criteria_id', sa.Integer(), nullable=False),
    sa.Column('previous_id', sa.Integer(), nullable=True),
    sa.Column('event_id', sa.Integer(), nullable=True),
    sa.Column('assessed_on', sa.Date(), nullable=False),
    sa.Column('assessor_id', sa.Integer(), nullable=False),
    sa.Column('ratings', sa.JSON(), nullable=False),
    sa.Column('floor_area_m2', sa.Numeric(precision=7, scale=1), nullable=False),
    sa.Column('occupants', sa.Integer(), nullable=False),
    sa.Column('health', sa.JSON(), nullable=False),
    sa.Column('verdict', sa.String(length=20), nullable=False),
    sa.Column('reasons', sa.JSON(), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['assessor_id'], ['user_account.id'], ),
    sa.ForeignKeyConstraint(['case_id'], ['case_file.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['criteria_id'], ['rtlh_criteria.id'], ),
    sa.ForeignKeyConstraint(['event_id'], ['case_event.id'], ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['previous_id'], ['rtlh_assessment.id'], ),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('rtlh_assessment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_rtlh_assessment_case_id'), ['case_id'], unique=False)
        batch_op.create_index('ix_rtlh_assessment_unit_date', ['unit_id', 'assessed_on'], unique=False)

    op.create_table('programme_precheck',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('programme', sa.String(length=40), nullable=False),
    sa.Column('checked_on', sa.Date(), nullable=False),
    sa.Column('result', sa.String(length=30), nullable=False),
    sa.Column('answers', sa.JSON(), nullable=False),
    sa.Column('reasons', sa.JSON(), nullable=False),
    sa.Column('assessment_id', sa.Integer(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['assessment_id'], ['rtlh_assessment.id'], ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['case_id'], ['case_file.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'], ),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('programme_precheck', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_programme_precheck_case_id'), ['case_id'], unique=False)
        batch_op.create_index('ix_programme_precheck_unit_date', ['unit_id', 'checked_on'], unique=False)

    op.create_table('rtlh_assessment_photo',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('assessment_id', sa.Integer(), nullable=False),
    sa.Column('component', sa.String(length=20), nullable=False),
    sa.Column('attachment_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['assessment_id'], ['rtlh_assessment.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['attachment_id'], ['attachment.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('rtlh_assessment_photo', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_rtlh_assessment_photo_assessment_id'), ['assessment_id'], unique=False)

    with op.batch_alter_table('referral', schema=None) as batch_op:
        batch_op.add_column(sa.Column('precheck_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key('fk_referral_precheck_id', 'programme_precheck', ['precheck_id'], ['id'], ondelete='SET NULL')

    # ### end Alembic commands ###
    now = datetime.now(timezone.utc)
    rtlh = sa.table('rtlh_criteria', sa.column('version'), sa.column('source'), sa.column('valid_from'),
                    sa.column('rules', sa.JSON), sa.column('note'), sa.column('created_at'))
    op.bulk_insert(rtlh, [{'version': 'KRS-2026.1', 'source': RTLH_SOURCE, 'valid_from': date(2018, 1, 1),
                           'rules': RTLH_RULES, 'note': RTLH_NOTE, 'created_at': now}])
    criterion = sa.table('programme_criterion', sa.column('programme'), sa.column('question'),
                         sa.column('rule'), sa.column('params', sa.JSON), sa.column('source'),
                         sa.column('valid_from'), sa.column('valid_to'), sa.column('sort_order'),
                         sa.column('active'), sa.column('created_at'))
    op.bulk_insert(criterion, [
        {'programme': programme, 'rule': rule, 'question': question, 'params': params, 'source': source,
         'valid_from': date(2025, 4, 22), 'valid_to': None, 'sort_order': order, 'active': True,
         'created_at': now}
        for order, (programme, rule, question, params, source) in enumerate(CRITERIA)
    ])


def downgrade():
    # ### commands auto generated by Alembic - please adjust! ###
    with op.batch_alter_table('referral', schema=None) as batch_op:
        batch_op.drop_constraint('fk_referral_precheck_id', type_='foreignkey')
        batch_op.drop_column('precheck_id')

    with op.batch_alter_table('rtlh_assessment_photo', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_rtlh_assessment_photo_assessment_id'))

    op.drop_table('rtlh_assessment_photo')
    with op.batch_alter_table('programme_precheck', schema=None) as batch_op:
        batch_op.drop_index('ix_programme_precheck_unit_date')
        batch_op.drop_index(batch_op.f('ix_programme_precheck_case_id'))

    op.drop_table('programme_precheck')
    with op.batch_alter_table('rtlh_assessment', schema=None) as batch_op:
        batch_op.drop_index('ix_rtlh_assessment_unit_date')
        batch_op.drop_index(batch_op.f('ix_rtlh_assessment_case_id'))

    op.drop_table('rtlh_assessment')
    op.drop_table('rtlh_criteria')
    with op.batch_alter_table('programme_criterion', schema=None) as batch_op:
        batch_op.drop_index('ix_programme_criterion_programme')

    op.drop_table('programme_criterion')
    # ### end Alembic commands ###
