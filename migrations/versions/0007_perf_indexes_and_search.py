"""indexes for every case list filter and sort; trigram name search (SQLite FTS5 / PostgreSQL pg_trgm)

Revision ID: 0007_perf
Revises: 0008_integration
Create Date: 2026-11-27 20:00:00

The B-tree indexes are also declared on the models (krs/models/) so autogenerate stays quiet.
The search structures are dialect-specific and live only here:
- SQLite: an external-content FTS5 table `applicant_fts(name, phone)` with the trigram tokenizer
  (case-insensitive substring LIKE/MATCH through the index for 3+ characters), kept in sync by
  triggers on `applicant`.
- PostgreSQL: the pg_trgm extension and GIN trigram indexes on applicant.name, applicant.phone and
  case_file.number, which serve `ILIKE '%...%'` directly.
"""
from alembic import op
import sqlalchemy as sa


revision = '0007_perf'
down_revision = '0008_integration'
branch_labels = None
depends_on = None

CASE_INDEXES = [
    ('ix_case_created', ['created_at', 'id']),
    ('ix_case_status_created', ['status', 'created_at']),
    ('ix_case_unit_status_created', ['unit_id', 'status', 'created_at']),
    ('ix_case_unit_assignee_created', ['unit_id', 'assignee_id', 'created_at']),
    ('ix_case_assignee_created', ['assignee_id', 'created_at']),
    ('ix_case_channel_created', ['channel', 'created_at']),
    ('ix_case_unit_channel_created', ['unit_id', 'channel', 'created_at']),
    ('ix_case_unit_due', ['unit_id', 'resolution_due']),
    # home page: open cases past their due date, counted and listed from the index alone
    ('ix_case_status_due', ['status', 'resolution_due']),
    ('ix_case_unit_status_due', ['unit_id', 'status', 'resolution_due']),
]

SQLITE_FTS = [
    "CREATE VIRTUAL TABLE applicant_fts USING fts5("
    "name, phone, content='applicant', content_rowid='id', tokenize='trigram')",
    "CREATE TRIGGER applicant_fts_ai AFTER INSERT ON applicant BEGIN "
    "INSERT INTO applicant_fts(rowid, name, phone) VALUES (new.id, new.name, new.phone); END",
    "CREATE TRIGGER applicant_fts_ad AFTER DELETE ON applicant BEGIN "
    "INSERT INTO applicant_fts(applicant_fts, rowid, name, phone) VALUES ('delete', old.id, old.name, old.phone); END",
    "CREATE TRIGGER applicant_fts_au AFTER UPDATE OF name, phone ON applicant BEGIN "
    "INSERT INTO applicant_fts(applicant_fts, rowid, name, phone) VALUES ('delete', old.id, old.name, old.phone); "
    "INSERT INTO applicant_fts(rowid, name, phone) VALUES (new.id, new.name, new.phone); END",
    "INSERT INTO applicant_fts(applicant_fts) VALUES ('rebuild')",
]

PG_TRGM = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS ix_applicant_name_trgm ON applicant USING gin (name gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS ix_applicant_phone_trgm ON applicant USING gin (phone gin_trgm_ops)",
    "CREATE INDEX IF NOT EXISTS ix_case_number_trgm ON case_file USING gin (number gin_trgm_ops)",
]


def upgrade():
    with op.batch_alter_table('case_file', schema=None) as batch_op:
        for name, columns in CASE_INDEXES:
            batch_op.create_index(name, columns, unique=False)
    with op.batch_alter_table('case_service', schema=None) as batch_op:
        batch_op.create_index('ix_case_service_service_case', ['service', 'case_id'], unique=False)
    with op.batch_alter_table('case_event', schema=None) as batch_op:
        # home page: next actions due, oldest first, without reading every event
        batch_op.create_index('ix_event_next_action', ['next_action_date', 'case_id'], unique=False)

    dialect = op.get_bind().dialect.name
    if dialect == 'sqlite':
        for statement in SQLITE_FTS:
            op.execute(statement)
    elif dialect == 'postgresql':
        for statement in PG_TRGM:
            op.execute(statement)


def downgrade():
    dialect = op.get_bind().dialect.name
    if dialect == 'sqlite':
        for trigger in ('applicant_fts_ai', 'applicant_fts_ad', 'applicant_fts_au'):
            op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
        op.execute("DROP TABLE IF EXISTS applicant_fts")
    elif dialect == 'postgresql':
        for index in ('ix_applicant_name_trgm', 'ix_applicant_phone_trgm', 'ix_case_number_trgm'):
            op.execute(f"DROP INDEX IF EXISTS {index}")
    with op.batch_alter_table('case_event', schema=None) as batch_op:
        batch_op.drop_index('ix_event_next_action')
    with op.batch_alter_table('case_service', schema=None) as batch_op:
        batch_op.drop_index('ix_case_service_service_case')
    with op.batch_alter_table('case_file', schema=None) as batch_op:
        for name, _columns in reversed(CASE_INDEXES):
            batch_op.drop_index(name)
