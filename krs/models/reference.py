"""Reference lists the Direktorat edits without a developer: labels and active flags."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from sqlalchemy import Boolean, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from krs.extensions import db
from krs.models.base import LabelledEnum


class ReferenceList(LabelledEnum):
    SERVICE_TYPE = "service_type"
    CHANNEL = "channel"
    OUTCOME = "outcome"

    @classmethod
    def _labels(cls):
        return {"service_type": _l("Jenis layanan"), "channel": _l("Kanal"), "outcome": _l("Hasil layanan")}


class ReferenceItem(db.Model):
    __tablename__ = "reference_item"
    __table_args__ = (UniqueConstraint("list_name", "code", name="uq_reference_list_code"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    list_name: Mapped[str] = mapped_column(String(30))
    code: Mapped[str] = mapped_column(String(40))
    label: Mapped[str] = mapped_column(String(150))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    sort_order: Mapped[int] = mapped_column(Integer, default=0)
