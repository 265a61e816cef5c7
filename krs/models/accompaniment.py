"""Construction accompaniment (issue 19 part 3, DESIGN.md §3 technical assistance).

A household building or renovating self-help is accompanied through stages (0 %, 30 %, 50 %,
100 % by default: admin reference data with their order and percentage). Each stage has one dated
visit by an officer, with photos (the case's Attachments), the progress seen, the checklist of
earthquake-safer details (admin reference data with their source) each marked, and the advice
given. `Accompaniment` keeps the current stage and the next visit's due date, so the case lists'
badge and the worklist of overdue visits are one indexed query each.
"""

from __future__ import annotations

from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import Boolean, Date, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from krs.extensions import db
from krs.models.base import LabelledEnum, utcnow
from krs.models.cases import Attachment, Case
from krs.models.people import Unit, User


class CheckMark(LabelledEnum):
    """How a checklist item was seen on a stage visit."""

    AS_ADVISED = "sesuai"
    NOT_AS_ADVISED = "tidak_sesuai"
    NOT_VISIBLE = "tidak_terlihat"

    @classmethod
    def _labels(cls):
        return {
            "sesuai": _l("Sesuai anjuran"),
            "tidak_sesuai": _l("Tidak sesuai anjuran"),
            "tidak_terlihat": _l("Tidak terlihat"),
        }


def _built_in_texts() -> dict:
    """The starting reference data's Indonesian texts, each through the catalogue: a stage or item
    still worded as installed shows in the user's language; one the Direktorat reworded shows as
    written (as krs/reference_data.py does for the reference lists)."""
    return {
        "Tahap 0 % (persiapan, sebelum pondasi)": _l("Tahap 0 % (persiapan, sebelum pondasi)"),
        "Tahap 30 % (pondasi, sloof dan kolom)": _l("Tahap 30 % (pondasi, sloof dan kolom)"),
        "Tahap 50 % (dinding dan ring balok)": _l("Tahap 50 % (dinding dan ring balok)"),
        "Tahap 100 % (atap dan penyelesaian)": _l("Tahap 100 % (atap dan penyelesaian)"),
        "Campuran beton": _l("Campuran beton"),
        "1 semen : 2 pasir : 3 kerikil, air secukupnya": _l("1 semen : 2 pasir : 3 kerikil, air secukupnya"),
        "Campuran adukan pasangan": _l("Campuran adukan pasangan"),
        "1 semen : 4 pasir": _l("1 semen : 4 pasir"),
        "Pondasi batu kali": _l("Pondasi batu kali"),
        "Lebar atas 30 cm, bawah 60 cm, tinggi 60 cm": _l("Lebar atas 30 cm, bawah 60 cm, tinggi 60 cm"),
        "Ukuran sloof": _l("Ukuran sloof"),
        "Ukuran kolom": _l("Ukuran kolom"),
        "Ukuran ring balok": _l("Ukuran ring balok"),
        "Tulangan utama": _l("Tulangan utama"),
        "Besi Ø10 mm, selimut beton 15 mm": _l("Besi Ø10 mm, selimut beton 15 mm"),
        "Begel / sengkang": _l("Begel / sengkang"),
        "Besi Ø8 mm setiap 15 cm": _l("Besi Ø8 mm setiap 15 cm"),
        "Angkur dan sambungan": _l("Angkur dan sambungan"),
        "Kolom terangkur ke sloof dan ring balok; angkur dinding ke kolom": _l(
            "Kolom terangkur ke sloof dan ring balok; angkur dinding ke kolom"
        ),
        "Sambungan kuda-kuda": _l("Sambungan kuda-kuda"),
        "Sambungan dengan pelat baja, kuda-kuda terikat ke ring balok": _l(
            "Sambungan dengan pelat baja, kuda-kuda terikat ke ring balok"
        ),
        BUILT_IN_SOURCE: _l(
            "Pedoman teknis rumah tahan gempa Kementerian PUPR bersama JICA (ringkasan di REFERENCE.md KRS); perlu dicek dengan pedoman terbaru."  # noqa: E501
        ),
    }


BUILT_IN_SOURCE = (
    "Pedoman teknis rumah tahan gempa Kementerian PUPR bersama JICA (ringkasan di REFERENCE.md KRS); "
    "perlu dicek dengan pedoman terbaru."
)


def shown_text(value: str | None) -> str:
    """A stage's or checklist item's stored text as the user reads it (see `_built_in_texts`)."""
    lazy = _built_in_texts().get(value or "")
    return str(lazy) if lazy is not None else (value or "")


class AccompanimentStage(db.Model):
    """A stage of construction accompaniment (admin reference data)."""

    __tablename__ = "accompaniment_stage"
    __table_args__ = (UniqueConstraint("code", name="uq_accompaniment_stage_code"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(30))
    name: Mapped[str] = mapped_column(String(120))
    position: Mapped[int] = mapped_column(Integer)  # the order of the stages
    percent: Mapped[int] = mapped_column(Integer)  # the construction progress the stage stands for
    # this stage's visit is due this many working days after the previous visit (or the start)
    due_working_days: Mapped[int] = mapped_column(Integer, default=20)
    description: Mapped[str] = mapped_column(Text, default="")
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class AccompanimentCheckItem(db.Model):
    """An earthquake-safer detail checked on stage visits (admin reference data with its source)."""

    __tablename__ = "accompaniment_check_item"
    __table_args__ = (UniqueConstraint("code", name="uq_accompaniment_check_item_code"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(30))
    name: Mapped[str] = mapped_column(String(160))  # what is looked at: "Campuran beton"
    advice: Mapped[str] = mapped_column(Text)  # what is advised: "1 semen : 2 pasir : 3 kerikil"
    source: Mapped[str] = mapped_column(Text, default="")  # where the advice comes from
    position: Mapped[int] = mapped_column(Integer, default=0)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class Accompaniment(db.Model):
    """The accompaniment of one case (at most one)."""

    __tablename__ = "accompaniment"
    __table_args__ = (UniqueConstraint("case_id", name="uq_accompaniment_case"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_file.id", ondelete="CASCADE"))
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)  # the office that started it
    work_kind: Mapped[str] = mapped_column(String(20), default="renovate")  # build | renovate
    started_on: Mapped[date] = mapped_column(Date)
    started_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # maintained by the service when a stage visit is recorded
    current_stage_id: Mapped[int | None] = mapped_column(ForeignKey("accompaniment_stage.id"))
    progress_percent: Mapped[int] = mapped_column(Integer, default=0)
    next_visit_due: Mapped[date | None] = mapped_column(Date, index=True)
    completed_on: Mapped[date | None] = mapped_column(Date)

    case: Mapped[Case] = relationship()
    unit: Mapped[Unit] = relationship()
    started_by: Mapped[User] = relationship()
    current_stage: Mapped[AccompanimentStage | None] = relationship()
    visits: Mapped[list[AccompanimentVisit]] = relationship(
        back_populates="accompaniment", order_by="AccompanimentVisit.visit_date"
    )


class AccompanimentVisit(db.Model):
    """The dated visit of one stage."""

    __tablename__ = "accompaniment_visit"
    __table_args__ = (UniqueConstraint("accompaniment_id", "stage_id", name="uq_accompaniment_visit_stage"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    accompaniment_id: Mapped[int] = mapped_column(
        ForeignKey("accompaniment.id", ondelete="CASCADE"), index=True
    )
    stage_id: Mapped[int] = mapped_column(ForeignKey("accompaniment_stage.id"))
    visit_date: Mapped[date] = mapped_column(Date, index=True)
    officer_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    progress_percent: Mapped[int] = mapped_column(Integer)
    advice: Mapped[str] = mapped_column(Text, default="")
    next_visit_due: Mapped[date | None] = mapped_column(Date)  # as set by this visit
    event_id: Mapped[int | None] = mapped_column(ForeignKey("case_event.id", ondelete="SET NULL"))
    created_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    accompaniment: Mapped[Accompaniment] = relationship(back_populates="visits")
    stage: Mapped[AccompanimentStage] = relationship(lazy="joined")
    officer: Mapped[User] = relationship(foreign_keys=[officer_id])
    checks: Mapped[list[AccompanimentCheck]] = relationship(
        back_populates="visit", lazy="selectin", cascade="all, delete-orphan"
    )
    photos: Mapped[list[AccompanimentPhoto]] = relationship(
        back_populates="visit", lazy="selectin", cascade="all, delete-orphan"
    )


class AccompanimentCheck(db.Model):
    """One checklist item as marked on a visit."""

    __tablename__ = "accompaniment_check"
    __table_args__ = (UniqueConstraint("visit_id", "item_id", name="uq_accompaniment_check_item"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    visit_id: Mapped[int] = mapped_column(
        ForeignKey("accompaniment_visit.id", ondelete="CASCADE"), index=True
    )
    item_id: Mapped[int] = mapped_column(ForeignKey("accompaniment_check_item.id"), index=True)
    mark: Mapped[str] = mapped_column(String(20))  # a CheckMark

    visit: Mapped[AccompanimentVisit] = relationship(back_populates="checks")
    item: Mapped[AccompanimentCheckItem] = relationship(lazy="joined")


class AccompanimentPhoto(db.Model):
    """A photo of a visit: a case Attachment."""

    __tablename__ = "accompaniment_photo"
    __table_args__ = (UniqueConstraint("attachment_id", name="uq_accompaniment_photo_attachment"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    visit_id: Mapped[int] = mapped_column(
        ForeignKey("accompaniment_visit.id", ondelete="CASCADE"), index=True
    )
    attachment_id: Mapped[int] = mapped_column(ForeignKey("attachment.id", ondelete="CASCADE"))

    visit: Mapped[AccompanimentVisit] = relationship(back_populates="photos")
    attachment: Mapped[Attachment] = relationship(lazy="joined")
