"""applicants are held per office: a NIK is unique per (created_by_unit_id, nik), not nationally

Issue 13 point 2 / DESIGN.md §3. The global unique on applicant.nik made another office's record
the one a desk got back when it typed a known NIK. Now:
- the unnamed UNIQUE(nik) of 0001 is dropped (PostgreSQL names it applicant_nik_key; SQLite only
  drops it by rebuilding the table in batch mode, the FTS5 triggers of 0007 are re-created);
- UNIQUE(created_by_unit_id, nik) `uq_applicant_unit_nik` and a plain index `ix_applicant_nik`
  (search by NIK, households counted once nationally by distinct NIK) are added;
- existing data: an individual applicant whose cases sit in another office (cases transferred
  before this change) is copied for that office and those cases point to the copy, so every
  office holds its own record. Nothing is deleted; groups (no NIK) stay as they are.

Downgrade restores the global unique and fails if one NIK is now held by two offices.

Revision ID: 0012_applicant_per_office
Revises: 0015_digest_profile
Create Date: 2026-11-28 10:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0012_applicant_per_office'
down_revision = '0015_digest_profile'
branch_labels = None
depends_on = None

# 0007's triggers keeping applicant_fts in sync; a batch rebuild of `applicant` drops them
FTS_TRIGGERS = [
    "CREATE TRIGGER IF NOT EXISTS applicant_fts_ai AFTER INSERT ON applicant BEGIN "
    "INSERT INTO applicant_fts(rowid, name, phone) VALUES (new.id, new.name, new.phone); END",
    "CREATE TRIGGER IF NOT EXISTS applicant_fts_ad AFTER DELETE ON applicant BEGIN "
    "INSERT INTO applicant_fts(applicant_fts, rowid, name, phone) VALUES ('delete', old.id, old.name, old.phone); END",
    "CREATE TRIGGER IF NOT EXISTS applicant_fts_au AFTER UPDATE OF name, phone ON applicant BEGIN "
    "INSERT INTO applicant_fts(applicant_fts, rowid, name, phone) VALUES ('delete', old.id, old.name, old.phone); "
    "INSERT INTO applicant_fts(rowid, name, phone) VALUES (new.id, new.name, new.phone); END",
]
SQLITE_NAMES = {"uq": "uq_%(table_name)s_%(column_0_name)s"}


def _has_fts(bind) -> bool:
    return bool(
        bind.exec_driver_sql(
            "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'applicant_fts'"
        ).scalar()
    )


def _sqlite_rebuild(change) -> None:
    """Rebuild `applicant` on SQLite (migrations/env.py runs batch mode with foreign keys off)."""
    bind = op.get_bind()
    with op.batch_alter_table('applicant', recreate='always', naming_convention=SQLITE_NAMES) as batch_op:
        change(batch_op)
    if _has_fts(bind):
        for statement in FTS_TRIGGERS:
            bind.exec_driver_sql(statement)


def _global_unique_name(bind) -> str | None:
    for uq in sa.inspect(bind).get_unique_constraints('applicant'):
        if uq['column_names'] == ['nik']:
            return uq['name']
    return None


def _split_shared_applicants(bind) -> None:
    """Each office gets its own record of an individual whose cases it holds."""
    applicant = sa.Table('applicant', sa.MetaData(), autoload_with=bind)
    case_file = sa.table('case_file', sa.column('id'), sa.column('unit_id'), sa.column('applicant_id'))
    pairs = bind.execute(
        sa.select(applicant.c.id, case_file.c.unit_id)
        .join(case_file, case_file.c.applicant_id == applicant.c.id)
        .where(
            applicant.c.kind == 'individual',
            case_file.c.unit_id != applicant.c.created_by_unit_id,
        )
        .distinct()
        .order_by(applicant.c.id, case_file.c.unit_id)
    ).all()
    copied = [c.name for c in applicant.c if c.name not in ('id', 'created_by_unit_id')]
    for applicant_id, unit_id in pairs:
        row = bind.execute(sa.select(applicant).where(applicant.c.id == applicant_id)).mappings().one()
        own = None
        if row['nik']:
            own = bind.execute(
                sa.select(applicant.c.id).where(
                    applicant.c.nik == row['nik'], applicant.c.created_by_unit_id == unit_id
                )
            ).scalar()
        if own is None:
            values = {name: row[name] for name in copied}
            own = bind.execute(
                applicant.insert().values(created_by_unit_id=unit_id, **values)
            ).inserted_primary_key[0]
        bind.execute(
            case_file.update()
            .where(case_file.c.applicant_id == applicant_id, case_file.c.unit_id == unit_id)
            .values(applicant_id=own)
        )


def upgrade():
    bind = op.get_bind()

    def change(batch_op):
        batch_op.drop_constraint(
            'uq_applicant_nik' if bind.dialect.name == 'sqlite' else _global_unique_name(bind),
            type_='unique',
        )
        batch_op.create_unique_constraint('uq_applicant_unit_nik', ['created_by_unit_id', 'nik'])
        batch_op.create_index('ix_applicant_nik', ['nik'], unique=False)

    if bind.dialect.name == 'sqlite':
        _sqlite_rebuild(change)
    else:
        with op.batch_alter_table('applicant') as batch_op:
            change(batch_op)
    _split_shared_applicants(bind)


def downgrade():
    bind = op.get_bind()

    def change(batch_op):
        batch_op.drop_index('ix_applicant_nik')
        batch_op.drop_constraint('uq_applicant_unit_nik', type_='unique')
        batch_op.create_unique_constraint(
            'uq_applicant_nik' if bind.dialect.name == 'sqlite' else 'applicant_nik_key', ['nik']
        )

    if bind.dialect.name == 'sqlite':
        _sqlite_rebuild(change)
    else:
        with op.batch_alter_table('applicant') as batch_op:
            change(batch_op)
