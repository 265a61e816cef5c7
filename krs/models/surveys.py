"""IKM survey (PermenPANRB 14/2017): one row per invitation; the raw answers once it is filled in,
with the respondent's profile the standard IKM report asks for (every part of it optional)."""

from __future__ import annotations

from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import DateTime, ForeignKey, Index, SmallInteger, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from krs.extensions import db
from krs.models.base import LabelledEnum, utcnow


class AgeBand(LabelledEnum):
    UNDER_20 = "lt20"
    FROM_20 = "20_29"
    FROM_30 = "30_39"
    FROM_40 = "40_49"
    FROM_50 = "50_59"
    FROM_60 = "60plus"

    @classmethod
    def _labels(cls):
        return {
            "lt20": _l("Di bawah 20 tahun"),
            "20_29": _l("20–29 tahun"),
            "30_39": _l("30–39 tahun"),
            "40_49": _l("40–49 tahun"),
            "50_59": _l("50–59 tahun"),
            "60plus": _l("60 tahun ke atas"),
        }


class Education(LabelledEnum):
    PRIMARY = "sd"
    JUNIOR = "smp"
    SENIOR = "sma"
    DIPLOMA = "diploma"
    BACHELOR = "s1"
    POSTGRADUATE = "s2plus"

    @classmethod
    def _labels(cls):
        return {
            "sd": _l("SD ke bawah"),
            "smp": _l("SMP/sederajat"),
            "sma": _l("SMA/sederajat"),
            "diploma": _l("D1–D4"),
            "s1": _l("S1"),
            "s2plus": _l("S2 ke atas"),
        }


class Occupation(LabelledEnum):
    CIVIL_SERVANT = "pns"
    MILITARY = "tni"
    POLICE = "polri"
    PRIVATE = "swasta"
    SELF_EMPLOYED = "wirausaha"
    STUDENT = "pelajar"
    OTHER = "lainnya"

    @classmethod
    def _labels(cls):
        return {
            "pns": _l("PNS/ASN"),
            "tni": _l("TNI"),
            "polri": _l("POLRI"),
            "swasta": _l("Pegawai swasta"),
            "wirausaha": _l("Wirausaha"),
            "pelajar": _l("Pelajar/mahasiswa"),
            "lainnya": _l("Lainnya"),
        }


# The profile columns of a survey and the enumeration of their answers (sex: people.Gender, L/P).
PROFILE_FIELDS = ("age_band", "sex", "education", "occupation")


class Survey(db.Model):
    """An invitation (token, usable once, expiring) and, after submission, the nine answers (1-4).

    The index itself is never stored: krs.surveys.service computes it from these answers.
    """

    __tablename__ = "ikm_survey"
    __table_args__ = (
        Index("ix_survey_unit_submitted", "unit_id", "submitted_at"),
        # the dashboard's respondent profile (krs.reports.service.ikm_profile) read from the index
        # alone, not from every survey row of the period (issue 17, migration 0027)
        Index(
            "ix_survey_unit_submitted_profile",
            "unit_id",
            "submitted_at",
            "age_band",
            "sex",
            "education",
            "occupation",
        ),  # fmt: skip
    )
    id: Mapped[int] = mapped_column(primary_key=True)
    token: Mapped[str] = mapped_column(String(64), unique=True)
    mode: Mapped[str] = mapped_column(String(10), default="link")  # link | kiosk
    unit_id: Mapped[int] = mapped_column(ForeignKey("unit.id"))
    case_id: Mapped[int | None] = mapped_column(ForeignKey("case_file.id", ondelete="SET NULL"), index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("user_account.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    submitted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    u1: Mapped[int | None] = mapped_column(SmallInteger)
    u2: Mapped[int | None] = mapped_column(SmallInteger)
    u3: Mapped[int | None] = mapped_column(SmallInteger)
    u4: Mapped[int | None] = mapped_column(SmallInteger)
    u5: Mapped[int | None] = mapped_column(SmallInteger)
    u6: Mapped[int | None] = mapped_column(SmallInteger)
    u7: Mapped[int | None] = mapped_column(SmallInteger)
    u8: Mapped[int | None] = mapped_column(SmallInteger)
    u9: Mapped[int | None] = mapped_column(SmallInteger)
    comment: Mapped[str | None] = mapped_column(Text)
    # respondent profile (issue 16): all optional, answered or left empty by the respondent
    age_band: Mapped[str | None] = mapped_column(String(10))  # AgeBand
    sex: Mapped[str | None] = mapped_column(String(1))  # Gender: L | P
    education: Mapped[str | None] = mapped_column(String(10))  # Education
    occupation: Mapped[str | None] = mapped_column(String(12))  # Occupation

    @property
    def answers(self) -> list[int | None]:
        return [getattr(self, f"u{i}") for i in range(1, 10)]
