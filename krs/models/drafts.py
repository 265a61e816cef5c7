"""What a user had typed when their session ended (issue 14): kept for them, server-side, until
they sign in again and the form is shown (once), or for a day at most. Never files."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, DateTime, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from krs.extensions import db
from krs.models.base import utcnow


class FormDraft(db.Model):
    __tablename__ = "form_draft"
    __table_args__ = (Index("ix_form_draft_owner", "user_id", "page", "endpoint"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"))
    page: Mapped[str] = mapped_column(String(500))  # the path of the page the form was on
    endpoint: Mapped[str] = mapped_column(String(100))  # the endpoint the form posted to
    fields: Mapped[list] = mapped_column(JSON)  # [[name, value], ...] in the order posted
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
