"""Standard house designs an office hands out (issue 18, DESIGN.md §3 technical assistance).

A design with no unit is national (kept by the Direktorat's admins); a design with a unit belongs
to that office (kept by its supervisor). The RAB template a design comes with lives beside the
RAB tables (krs/models/rab.py) and points here by `design.id`.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import Boolean, DateTime, ForeignKey, Integer, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from krs.extensions import db
from krs.models.base import LabelledEnum, utcnow


class Structure(LabelledEnum):
    MASONRY = "masonry"
    TIMBER = "timber"
    RISHA = "risha"
    OTHER = "other"

    @classmethod
    def _labels(cls):
        return {
            "masonry": _l("Pasangan bata dengan kolom praktis"),
            "timber": _l("Rangka kayu"),
            "risha": _l("Panel RISHA"),
            "other": _l("Lainnya"),
        }


class DesignFileKind(LabelledEnum):
    PLAN = "plan"
    ELEVATION = "elevation"
    SECTION = "section"
    OTHER = "other"

    @classmethod
    def _labels(cls):
        return {
            "plan": _l("Denah"),
            "elevation": _l("Tampak"),
            "section": _l("Potongan"),
            "other": _l("Lainnya"),
        }


class Design(db.Model):
    __tablename__ = "design"
    __table_args__ = (UniqueConstraint("code", name="uq_design_code"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    # None: a national design (admin); else the office that keeps it (its supervisor)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("unit.id"), index=True)
    code: Mapped[str] = mapped_column(String(30))
    name: Mapped[str] = mapped_column(String(200))
    house_type: Mapped[str] = mapped_column(String(40), default="")  # "Tipe 36", "Rumah inti tumbuh"
    floor_area_m2: Mapped[Decimal] = mapped_column(Numeric(7, 2))
    floors: Mapped[int] = mapped_column(Integer, default=1)
    bedrooms: Mapped[int] = mapped_column(Integer, default=2)
    rooms: Mapped[str] = mapped_column(Text, default="")  # the room list in words
    structure: Mapped[str] = mapped_column(String(20), default=Structure.MASONRY)
    quake_notes: Mapped[str] = mapped_column(Text, default="")  # earthquake-safer notes
    description: Mapped[str] = mapped_column(Text, default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    files: Mapped[list[DesignFile]] = relationship(
        back_populates="design", cascade="all, delete-orphan", order_by="DesignFile.id"
    )

    @property
    def is_national(self) -> bool:
        return self.unit_id is None

    @property
    def structure_label(self) -> str:
        return Structure(self.structure).label if Structure.has(self.structure) else self.structure


class DesignFile(db.Model):
    """A drawing of a design (plan, elevation, section, other): an image shown as a thumbnail or a
    PDF offered as a link, stored through krs/uploads.py and served through an access-checked route."""

    __tablename__ = "design_file"
    id: Mapped[int] = mapped_column(primary_key=True)
    design_id: Mapped[int] = mapped_column(ForeignKey("design.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20), default=DesignFileKind.PLAN)
    title: Mapped[str] = mapped_column(String(200), default="")
    original_name: Mapped[str] = mapped_column(String(200))
    stored_name: Mapped[str] = mapped_column(String(100))
    content_type: Mapped[str] = mapped_column(String(100))
    size_bytes: Mapped[int] = mapped_column(Integer)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    uploaded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    design: Mapped[Design] = relationship(back_populates="files")

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/")

    @property
    def kind_label(self) -> str:
        return DesignFileKind(self.kind).label if DesignFileKind.has(self.kind) else self.kind


class DesignHandout(db.Model):
    """A design handed to a case (one click from the case; a timeline event of its own)."""

    __tablename__ = "design_handout"
    id: Mapped[int] = mapped_column(primary_key=True)
    design_id: Mapped[int] = mapped_column(ForeignKey("design.id"), index=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_file.id", ondelete="CASCADE"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)  # the case's office then
    event_id: Mapped[int | None] = mapped_column(ForeignKey("case_event.id", ondelete="SET NULL"))
    handed_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    handed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
