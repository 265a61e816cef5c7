"""Background jobs (krs/jobs.py): one row per request for a large export, polled by its page."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from krs.extensions import db
from krs.models.base import utcnow
from krs.models.people import User


class JobStatus:
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"


class ExportJob(db.Model):
    """A file built by the worker for one user: what was asked, how far it got, where the file is."""

    __tablename__ = "export_job"
    __table_args__ = (Index("ix_export_job_user_created", "user_id", "created_at"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(40))  # e.g. "cases.xlsx"
    params: Mapped[dict | None] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(20), default=JobStatus.QUEUED)
    progress: Mapped[int] = mapped_column(Integer, default=0)  # rows written so far
    total: Mapped[int | None] = mapped_column(Integer)  # rows expected
    file_key: Mapped[str | None] = mapped_column(String(80))  # name in the upload storage
    download_name: Mapped[str | None] = mapped_column(String(120))
    content_type: Mapped[str | None] = mapped_column(String(120))
    error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    user: Mapped[User] = relationship()

    @property
    def percent(self) -> int:
        if self.status == JobStatus.DONE:
            return 100
        if not self.total:
            return 0
        return min(99, int(self.progress * 100 / self.total))
