"""Imports of an office's backlog from Excel (issue 16, part 4): the uploaded file, its column
mapping, the dry run's report, and what the import created (so an admin can undo it)."""

from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import JSON, Boolean, DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from krs.extensions import db
from krs.models.base import LabelledEnum, utcnow
from krs.models.people import Unit, User


class ImportStatus(LabelledEnum):
    UPLOADED = "uploaded"  # columns not mapped yet
    CHECKING = "checking"  # the dry run is running
    CHECKED = "checked"  # the dry run's report waits for the officer's confirmation
    IMPORTING = "importing"
    IMPORTED = "imported"
    FAILED = "failed"  # the job failed or "stop if any problem" stopped it: nothing was written
    UNDONE = "undone"

    @classmethod
    def _labels(cls):
        return {
            "uploaded": _l("Menunggu pemetaan kolom"),
            "checking": _l("Sedang diperiksa"),
            "checked": _l("Menunggu konfirmasi"),
            "importing": _l("Sedang diimpor"),
            "imported": _l("Selesai diimpor"),
            "failed": _l("Gagal"),
            "undone": _l("Dibatalkan"),
        }


class ImportBatch(db.Model):
    """One uploaded XLSX of past cases for one office: who, when, which file, how many rows."""

    __tablename__ = "import_batch"
    __table_args__ = (Index("ix_import_batch_unit_created", "unit_id", "created_at"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))
    created_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    file_name: Mapped[str] = mapped_column(String(200))  # as uploaded
    stored_name: Mapped[str | None] = mapped_column(String(80))  # in krs.storage; removed after import
    status: Mapped[str] = mapped_column(String(20), default=ImportStatus.UPLOADED)
    headers: Mapped[list | None] = mapped_column(JSON)  # the first row's cells, as text
    mapping: Mapped[dict | None] = mapped_column(JSON)  # target field -> column index
    stop_on_problem: Mapped[bool] = mapped_column(Boolean, default=False)
    total_rows: Mapped[int | None] = mapped_column(Integer)
    ok_rows: Mapped[int | None] = mapped_column(Integer)
    problem_rows: Mapped[int | None] = mapped_column(Integer)
    report: Mapped[list | None] = mapped_column(JSON)  # the dry run: [{row, name, problems: [..]}]
    cases_created: Mapped[int | None] = mapped_column(Integer)
    applicants_created: Mapped[int | None] = mapped_column(Integer)
    job_id: Mapped[int | None] = mapped_column(Integer)  # the running ExportJob (krs.jobs), if any
    error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    checked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    imported_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    imported_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    undone_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    undone_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))

    unit: Mapped[Unit] = relationship()
    created_by: Mapped[User] = relationship(foreign_keys=[created_by_id])
    imported_by: Mapped[User | None] = relationship(foreign_keys=[imported_by_id])
    undone_by: Mapped[User | None] = relationship(foreign_keys=[undone_by_id])


class ImportedCase(db.Model):
    """A case (and the applicant record, when the import made it) created by an import, with the
    case's version right after: an undo removes only what nobody has touched since."""

    __tablename__ = "imported_case"
    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("import_batch.id", ondelete="CASCADE"), index=True)
    row_number: Mapped[int] = mapped_column(Integer)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("case_file.id", ondelete="SET NULL"), index=True)
    applicant_id: Mapped[int | None] = mapped_column(
        ForeignKey("applicant.id", ondelete="SET NULL"), index=True
    )
    case_version: Mapped[int] = mapped_column(Integer, default=1)
    applicant_version: Mapped[int | None] = mapped_column(Integer)
