"""Cases, their services, timeline events and attachments."""

from __future__ import annotations

from datetime import date, datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import (
    JSON,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from krs.extensions import db
from krs.models.base import LabelledEnum, utcnow
from krs.models.people import Applicant, Unit, User


class CaseStatus(LabelledEnum):
    NEW = "new"
    ASSIGNED = "assigned"
    IN_PROGRESS = "in_progress"
    CLOSURE_REQUESTED = "closure_requested"
    CLOSED = "closed"

    @classmethod
    def _labels(cls):
        return {
            "new": _l("Baru"),
            "assigned": _l("Ditugaskan"),
            "in_progress": _l("Ditindaklanjuti"),
            "closure_requested": _l("Menunggu persetujuan penutupan"),
            "closed": _l("Ditutup"),
        }


OPEN_STATUSES = (CaseStatus.NEW, CaseStatus.ASSIGNED, CaseStatus.IN_PROGRESS, CaseStatus.CLOSURE_REQUESTED)


class Channel(LabelledEnum):
    WALK_IN = "walk_in"
    PHONE = "phone"
    WHATSAPP = "whatsapp"
    ONLINE = "online"
    OUTREACH = "outreach"
    REFERRAL = "referral"

    @classmethod
    def _labels(cls):
        return {
            "walk_in": _l("Datang langsung"),
            "phone": _l("Telepon"),
            "whatsapp": _l("WhatsApp"),
            "online": _l("Daring"),
            "outreach": _l("Sosialisasi/jemput bola"),
            "referral": _l("Rujukan"),
        }


class ServiceType(LabelledEnum):
    PROGRAM_INFO = "program_info"
    HOUSE_DESIGN = "house_design"
    COST_ESTIMATE = "cost_estimate"
    CONSTRUCTION = "construction"
    PERMITS = "permits"
    FINANCING = "financing"
    OTHER = "other"

    @classmethod
    def _labels(cls):
        return {
            "program_info": _l("Informasi program (BSPS/BP2BT/FLPP/Tapera)"),
            "house_design": _l("Desain rumah"),
            "cost_estimate": _l("Rencana anggaran biaya (RAB)"),
            "construction": _l("Teknik konstruksi"),
            "permits": _l("Perizinan (PBG) dan sertifikat tanah"),
            "financing": _l("Akses pembiayaan"),
            "other": _l("Lainnya"),
        }


class Priority(LabelledEnum):
    LOW = "low"
    NORMAL = "normal"
    HIGH = "high"

    @classmethod
    def _labels(cls):
        return {"low": _l("Rendah"), "normal": _l("Normal"), "high": _l("Tinggi")}


class Outcome(LabelledEnum):
    RESOLVED = "resolved"
    REFERRED_BSPS = "referred_bsps"
    REFERRED_FINANCING = "referred_financing"
    REFERRED_LOCAL_GOV = "referred_local_gov"
    NOT_ELIGIBLE = "not_eligible"
    WITHDRAWN = "withdrawn"
    UNREACHABLE = "unreachable"

    @classmethod
    def _labels(cls):
        return {
            "resolved": _l("Selesai ditangani"),
            "referred_bsps": _l("Dirujuk ke BSPS"),
            "referred_financing": _l("Dirujuk ke pembiayaan (bank/FLPP/BP2BT/Tapera)"),
            "referred_local_gov": _l("Dirujuk ke pemerintah daerah"),
            "not_eligible": _l("Tidak memenuhi syarat"),
            "withdrawn": _l("Dibatalkan pemohon"),
            "unreachable": _l("Tidak dapat dihubungi"),
        }


class EventKind(LabelledEnum):
    # follow-ups typed by people
    NOTE = "note"
    CALL = "call"
    FIELD_VISIT = "field_visit"
    CONSULTATION = "consultation"
    DELIVERABLE = "deliverable"
    REFERRAL = "referral"
    # system changes
    CREATED = "created"
    ASSIGNED = "assigned"
    STATUS_CHANGED = "status_changed"
    CLOSURE_REQUESTED = "closure_requested"
    CLOSURE_APPROVED = "closure_approved"
    CLOSURE_REJECTED = "closure_rejected"
    REOPENED = "reopened"
    TRANSFERRED = "transferred"
    ATTACHMENT_ADDED = "attachment_added"
    SURVEY_RECEIVED = "survey_received"
    CASE_EDITED = "case_edited"  # corrections (issue 14)
    APPLICANT_EDITED = "applicant_edited"
    APPLICANT_MERGED = "applicant_merged"
    APPLICANT_UNMERGED = "applicant_unmerged"
    IMPORTED = "imported"  # a past case brought in from an office's Excel backlog (issue 16)

    @classmethod
    def _labels(cls):
        return {
            "note": _l("Catatan"),
            "call": _l("Telepon"),
            "field_visit": _l("Kunjungan lapangan"),
            "consultation": _l("Konsultasi"),
            "deliverable": _l("Penyerahan hasil (desain/RAB)"),
            "referral": _l("Rujukan"),
            "created": _l("Kasus dibuat"),
            "assigned": _l("Ditugaskan"),
            "status_changed": _l("Status berubah"),
            "closure_requested": _l("Penutupan diajukan"),
            "closure_approved": _l("Penutupan disetujui"),
            "closure_rejected": _l("Penutupan dikembalikan"),
            "reopened": _l("Dibuka kembali"),
            "transferred": _l("Dipindahkan"),
            "attachment_added": _l("Lampiran ditambahkan"),
            "survey_received": _l("Survei diterima"),
            "case_edited": _l("Data kasus diubah"),
            "applicant_edited": _l("Data pemohon diubah"),
            "applicant_merged": _l("Data pemohon digabung"),
            "applicant_unmerged": _l("Penggabungan pemohon dibatalkan"),
            "imported": _l("Diimpor dari Excel"),
        }

    @classmethod
    def follow_up_kinds(cls) -> list[EventKind]:
        return [cls.NOTE, cls.CALL, cls.FIELD_VISIT, cls.CONSULTATION, cls.DELIVERABLE, cls.REFERRAL]


class LandStatus(LabelledEnum):
    SHM = "shm"
    OTHER_TITLE = "other_title"
    GIRIK = "girik"
    NONE = "none"
    UNKNOWN = "unknown"

    @classmethod
    def _labels(cls):
        return {
            "shm": _l("Sertifikat hak milik (SHM)"),
            "other_title": _l("Sertifikat lain (HGB/hak pakai)"),
            "girik": _l("Girik/letter C/surat keterangan"),
            "none": _l("Tidak ada bukti"),
            "unknown": _l("Belum diketahui"),
        }


class Condition(LabelledEnum):
    GOOD = "good"
    LIGHT = "light"
    MODERATE = "moderate"
    HEAVY = "heavy"

    @classmethod
    def _labels(cls):
        return {
            "good": _l("Baik"),
            "light": _l("Rusak ringan"),
            "moderate": _l("Rusak sedang"),
            "heavy": _l("Rusak berat"),
        }


class CaseCounter(db.Model):
    """Next case sequence per unit and year; bumped with an atomic upsert in the intake transaction."""

    __tablename__ = "case_counter"
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    last_seq: Mapped[int] = mapped_column(Integer, default=0)


class Case(db.Model):
    __tablename__ = "case_file"
    __table_args__ = (
        Index("ix_case_unit_status", "unit_id", "status"),
        Index("ix_case_unit_created", "unit_id", "created_at"),
        # the workload's open and overdue cases per person from the index alone (migration 0028)
        Index("ix_case_assignee_status_due", "assignee_id", "status", "resolution_due"),
        # one index per list filter, each ending in the list's sort column (migration 0007_perf)
        Index("ix_case_created", "created_at", "id"),
        Index("ix_case_status_created", "status", "created_at"),
        Index("ix_case_unit_status_created", "unit_id", "status", "created_at"),
        Index("ix_case_unit_assignee_created", "unit_id", "assignee_id", "created_at"),
        Index("ix_case_assignee_created", "assignee_id", "created_at"),
        Index("ix_case_channel_created", "channel", "created_at"),
        Index("ix_case_unit_channel_created", "unit_id", "channel", "created_at"),
        Index("ix_case_unit_due", "unit_id", "resolution_due"),
        Index("ix_case_status_due", "status", "resolution_due"),
        Index("ix_case_unit_status_due", "unit_id", "status", "resolution_due"),
        # a name search: the matching applicants' cases filtered by office and sorted from the
        # index alone, without reading each case row (issue 17, migration 0027)
        Index("ix_case_applicant_unit_created", "applicant_id", "unit_id", "created_at"),
        # the home page's and the reminders' due next actions: an index range over the open cases'
        # entries only, per status (closed cases keep their last date; migration 0013)
        Index("ix_case_unit_status_next", "unit_id", "status", "next_action_due"),
        Index("ix_case_assignee_status_next", "assignee_id", "status", "next_action_due"),
        Index("ix_case_status_next", "status", "next_action_due"),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(40), unique=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))
    year: Mapped[int] = mapped_column(Integer)
    seq: Mapped[int] = mapped_column(Integer)
    applicant_id: Mapped[int] = mapped_column(ForeignKey("applicant.id"), index=True)
    channel: Mapped[str] = mapped_column(String(20))
    description: Mapped[str] = mapped_column(Text)
    priority: Mapped[str] = mapped_column(String(10), default=Priority.NORMAL)
    status: Mapped[str] = mapped_column(String(30), default=CaseStatus.NEW, index=True)
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)
    # house data
    land_status: Mapped[str | None] = mapped_column(String(20))
    floor_area_m2: Mapped[float | None] = mapped_column(db.Numeric(7, 1))
    occupants: Mapped[int | None] = mapped_column(Integer)
    roof_condition: Mapped[str | None] = mapped_column(String(20))
    wall_condition: Mapped[str | None] = mapped_column(String(20))
    floor_condition: Mapped[str | None] = mapped_column(String(20))
    water_source: Mapped[str | None] = mapped_column(String(100))
    sanitation: Mapped[str | None] = mapped_column(String(100))
    electricity: Mapped[str | None] = mapped_column(String(100))
    # service levels (working days in the unit's zone)
    first_response_due: Mapped[date | None] = mapped_column(Date)
    resolution_due: Mapped[date | None] = mapped_column(Date, index=True)
    first_response_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # closure
    outcome: Mapped[str | None] = mapped_column(String(30))
    closure_summary: Mapped[str | None] = mapped_column(Text)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # maintained by krs.case_lists in the transaction of every follow-up (issue 17): the latest
    # follow-up's next-action date and id (None when that follow-up names no next action)
    next_action_due: Mapped[date | None] = mapped_column(Date)
    next_action_event_id: Mapped[int | None] = mapped_column(Integer)
    version: Mapped[int] = mapped_column(Integer, nullable=False, default=1)

    __mapper_args__ = {"version_id_col": version}

    unit: Mapped[Unit] = relationship()
    applicant: Mapped[Applicant] = relationship(back_populates="cases")
    assignee: Mapped[User | None] = relationship(foreign_keys=[assignee_id])
    created_by: Mapped[User] = relationship(foreign_keys=[created_by_id])
    services: Mapped[list[CaseService]] = relationship(
        cascade="all, delete-orphan", lazy="selectin", order_by="CaseService.service"
    )
    events: Mapped[list[Event]] = relationship(
        back_populates="case", order_by="desc(Event.occurred_at), desc(Event.id)"
    )

    @property
    def service_types(self) -> list[str]:
        return [s.service for s in self.services]

    @property
    def is_open(self) -> bool:
        return self.status != CaseStatus.CLOSED


class CaseService(db.Model):
    __tablename__ = "case_service"
    __table_args__ = (Index("ix_case_service_service_case", "service", "case_id"),)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_file.id", ondelete="CASCADE"), primary_key=True)
    service: Mapped[str] = mapped_column(String(30), primary_key=True, index=True)


class Event(db.Model):
    """One entry of a case's timeline: a follow-up typed by a person or a system change."""

    __tablename__ = "case_event"
    __table_args__ = (
        Index("ix_event_case_time", "case_id", "occurred_at"),
        Index("ix_event_next_action", "next_action_date", "case_id"),  # migration 0007_perf
        Index("ix_event_author_created", "author_id", "created_at"),  # workload's last activity (0013)
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_file.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(30))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"), index=True)
    occurred_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    duration_minutes: Mapped[int | None] = mapped_column(Integer)
    next_action_date: Mapped[date | None] = mapped_column(Date)
    body: Mapped[str | None] = mapped_column(Text)
    data: Mapped[dict | None] = mapped_column(JSON)
    # a field visit's position (issue 16), when the officer's phone gave it (WGS 84 degrees)
    latitude: Mapped[float | None] = mapped_column(db.Numeric(9, 6))
    longitude: Mapped[float | None] = mapped_column(db.Numeric(9, 6))

    case: Mapped[Case] = relationship(back_populates="events")
    author: Mapped[User | None] = relationship()
    attachments: Mapped[list[Attachment]] = relationship(back_populates="event", lazy="selectin")

    @property
    def is_follow_up(self) -> bool:
        return self.kind in EventKind.follow_up_kinds()

    @property
    def has_position(self) -> bool:
        return self.latitude is not None and self.longitude is not None


class AttachmentKind(LabelledEnum):
    """What a file shows (DESIGN.md section 5): identity documents never reach viewers or interns."""

    HOUSE = "rumah"
    IDENTITY = "identitas"

    @classmethod
    def _labels(cls):
        return {"rumah": _l("Foto/dokumen rumah"), "identitas": _l("Dokumen identitas (KTP/KK)")}


class Attachment(db.Model):
    __tablename__ = "attachment"
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_file.id", ondelete="CASCADE"), index=True)
    event_id: Mapped[int | None] = mapped_column(ForeignKey("case_event.id", ondelete="SET NULL"))
    original_name: Mapped[str] = mapped_column(String(200))
    stored_name: Mapped[str] = mapped_column(String(80), unique=True)
    content_type: Mapped[str] = mapped_column(String(80))
    size_bytes: Mapped[int] = mapped_column(Integer)
    uploaded_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    kind: Mapped[str] = mapped_column(String(20), default=AttachmentKind.HOUSE, server_default="rumah")
    # a photo's small JPEG in the same store (krs.uploads.thumbnail_name), issue 16
    thumbnail_name: Mapped[str | None] = mapped_column(String(80))

    event: Mapped[Event | None] = relationship(back_populates="attachments")

    @property
    def is_image(self) -> bool:
        return self.content_type.startswith("image/") and self.content_type != "image/vnd.dwg"


class SavedFilter(db.Model):
    __tablename__ = "saved_filter"
    __table_args__ = (UniqueConstraint("user_id", "name", name="uq_saved_filter_user_name"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(80))
    query: Mapped[str] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
