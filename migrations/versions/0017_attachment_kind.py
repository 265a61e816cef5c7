"""attachments are classed: identity documents (identitas) or the house (rumah)

Viewers and interns never get identity documents (DESIGN.md section 5). Every existing file is a
house photo or drawing until a desk re-classes it.

Revision ID: 0017_attachment_kind
Revises: 0016_applicant_merge
Create Date: 2026-11-29 15:20:00

"""
import sqlalchemy as sa
from alembic import op

revision = '0017_attachment_kind'
down_revision = '0016_applicant_merge'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('attachment') as batch_op:
        batch_op.add_column(sa.Column('kind', sa.String(length=20), nullable=False, server_default='rumah'))


def downgrade():
    with op.batch_alter_table('attachment') as batch_op:
        batch_op.drop_column('kind')
