"""Offices, accounts and applicants (households and groups)."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from flask_babel import lazy_gettext as _l
from flask_login import UserMixin
from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from krs.extensions import db
from krs.models.base import LabelledEnum, utcnow

if TYPE_CHECKING:
    from krs.models.cases import Case


class UnitKind(LabelledEnum):
    DIREKTORAT = "direktorat"
    BALAI = "balai"
    SATKER = "satker"

    @classmethod
    def _labels(cls):
        return {"direktorat": _l("Direktorat"), "balai": _l("Balai P2P"), "satker": _l("Satker")}


class Role(LabelledEnum):
    ADMIN = "admin"
    VIEWER = "viewer"
    SUPERVISOR = "supervisor"
    STAFF = "staff"
    INTERN = "intern"

    @classmethod
    def _labels(cls):
        return {
            "admin": _l("Admin Direktorat"),
            "viewer": _l("Evaluator Direktorat"),
            "supervisor": _l("Supervisor"),
            "staff": _l("Staf"),
            "intern": _l("Magang"),
        }


class Gender(LabelledEnum):
    MALE = "L"
    FEMALE = "P"

    @classmethod
    def _labels(cls):
        return {"L": _l("Laki-laki"), "P": _l("Perempuan")}


class ApplicantKind(LabelledEnum):
    INDIVIDUAL = "individual"
    GROUP = "group"

    @classmethod
    def _labels(cls):
        return {"individual": _l("Perorangan"), "group": _l("Kelompok")}


class Unit(db.Model):
    __tablename__ = "unit"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)  # JAWA2
    slug: Mapped[str] = mapped_column(String(30), unique=True)  # jawa2 (used in demo usernames)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(20), default=UnitKind.BALAI)
    timezone: Mapped[str] = mapped_column(String(40), default="Asia/Jakarta")
    provinces: Mapped[str] = mapped_column(String(200), default="")  # comma-separated province codes
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # letterhead (issue 16): printed on receipts and referral letters; the city is the place of
    # signature ("Bandung, 27 November 2026"); the logo is an upload in krs/storage.py
    letterhead_name: Mapped[str | None] = mapped_column(String(200))
    letterhead_address: Mapped[str | None] = mapped_column(String(400))  # lines separated by newlines
    letterhead_city: Mapped[str | None] = mapped_column(String(80))
    letterhead_phone: Mapped[str | None] = mapped_column(String(60))
    letterhead_email: Mapped[str | None] = mapped_column(String(120))
    logo_stored_name: Mapped[str | None] = mapped_column(String(80))
    logo_content_type: Mapped[str | None] = mapped_column(String(40))
    # referral letter numbers: {seq} {unit} {month} (Roman) {year}; empty = the default of krs.referrals
    referral_number_format: Mapped[str | None] = mapped_column(String(80))

    @property
    def letterhead_title(self) -> str:
        return self.letterhead_name or self.name

    @property
    def letterhead_lines(self) -> list[str]:
        return [line.strip() for line in (self.letterhead_address or "").splitlines() if line.strip()]

    def __repr__(self) -> str:
        return f"<Unit {self.code}>"


class User(UserMixin, db.Model):
    __tablename__ = "user_account"
    __table_args__ = (UniqueConstraint("nip", name="uq_user_account_nip"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(60), unique=True)
    full_name: Mapped[str] = mapped_column(String(120))
    password_hash: Mapped[str] = mapped_column(String(256))
    role: Mapped[str] = mapped_column(String(20))
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=False)
    email: Mapped[str | None] = mapped_column(String(254))  # optional: the daily digest (issue 16)
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # civil servants sign letters with their NIP (18 digits) and position (jabatan), issue 16
    nip: Mapped[str | None] = mapped_column(String(18))
    position: Mapped[str | None] = mapped_column(String(120))

    unit: Mapped[Unit] = relationship(lazy="joined")

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password)

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive accounts
        return bool(self.active)

    @property
    def role_label(self) -> str:
        return Role(self.role).label


class Applicant(db.Model):
    """A household (individual) or a group. Groups keep their contact person in the individual fields.

    Held per office (DESIGN.md §3): a NIK is unique within the office that holds the record
    (`created_by_unit_id`), not nationally. Another office registering the same household gets
    its own record from what the applicant says there; households are counted once nationally
    by distinct NIK (krs.households).
    """

    __tablename__ = "applicant"
    __table_args__ = (
        UniqueConstraint("created_by_unit_id", "nik", name="uq_applicant_unit_nik"),
        # the name search's "groups by their contact person" (krs.case_lists.search_clause): the few
        # group rows alone, not a scan of every household (issue 17, migration 0027)
        Index(
            "ix_applicant_group_contact",
            "contact_name",
            sqlite_where=text("kind = 'group'"),
            postgresql_where=text("kind = 'group'"),
        ),
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(20), default=ApplicantKind.INDIVIDUAL, index=True)
    name: Mapped[str] = mapped_column(String(150))
    nik: Mapped[str | None] = mapped_column(String(16), index=True)
    phone: Mapped[str | None] = mapped_column(String(20), index=True)
    gender: Mapped[str | None] = mapped_column(String(1))
    birth_date: Mapped[date | None] = mapped_column(Date)
    address: Mapped[str | None] = mapped_column(String(250))
    province_code: Mapped[str | None] = mapped_column(String(2))
    regency_code: Mapped[str | None] = mapped_column(String(5))
    district_code: Mapped[str | None] = mapped_column(String(8))
    village_code: Mapped[str | None] = mapped_column(String(13))
    occupation: Mapped[str | None] = mapped_column(String(100))
    monthly_income: Mapped[int | None] = mapped_column(BigInteger)  # Rupiah
    household_size: Mapped[int | None] = mapped_column(Integer)
    consent_given: Mapped[bool] = mapped_column(Boolean, default=False)
    consent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # group applicants (krs/outreach): name, kind, village codes, contact person, member households
    group_kind: Mapped[str | None] = mapped_column(String(30))
    contact_name: Mapped[str | None] = mapped_column(String(150))
    # the contact person's NIK: not in `nik`, which names the household that applies; the contact
    # is an individual applicant of the same office found by this NIK
    contact_nik: Mapped[str | None] = mapped_column(String(16), index=True)
    member_households: Mapped[int | None] = mapped_column(Integer)
    created_by_unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # corrections (issue 14): the version an edit form carries (checked and bumped by the edit
    # itself, not by every write), and the record this one was merged into (kept, never deleted)
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("applicant.id"), index=True)

    cases: Mapped[list[Case]] = relationship(back_populates="applicant")


class ApplicantMerge(db.Model):
    """Two records of one person in an office made one (issue 14): which record survived, which was
    merged into it, the values each had before, the cases that moved, and, once an admin undid it,
    who and when. Enough to put everything back."""

    __tablename__ = "applicant_merge"
    id: Mapped[int] = mapped_column(primary_key=True)
    survivor_id: Mapped[int] = mapped_column(ForeignKey("applicant.id"), index=True)
    merged_id: Mapped[int] = mapped_column(ForeignKey("applicant.id"), index=True)
    reason: Mapped[str] = mapped_column(String(2000))
    survivor_before: Mapped[dict] = mapped_column(JSON)
    merged_before: Mapped[dict] = mapped_column(JSON)
    survivor_after: Mapped[dict] = mapped_column(JSON)
    moved_case_ids: Mapped[list] = mapped_column(JSON)
    merged_by_id: Mapped[int] = mapped_column(ForeignKey("user_account.id"))
    merged_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    unmerged_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    unmerged_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    survivor: Mapped[Applicant] = relationship(foreign_keys=[survivor_id])
    merged: Mapped[Applicant] = relationship(foreign_keys=[merged_id])
    merged_by: Mapped[User] = relationship(foreign_keys=[merged_by_id])
