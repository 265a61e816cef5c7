"""WhatsApp hand-off: a wa.me link with a prefilled Indonesian message. No external API is called."""

from __future__ import annotations

from urllib.parse import quote

from flask_babel import format_date
from flask_babel import gettext as _
from sqlalchemy import func, select

from krs import access
from krs.extensions import db
from krs.models import Case, Event, User
from krs.workdays import today_in


def international_number(phone: str | None) -> str | None:
    """08123… / +628123… / 628123… → 628123…; None when it is not an Indonesian mobile number."""
    digits = "".join(ch for ch in (phone or "") if ch.isdigit())
    if digits.startswith("0"):
        digits = "62" + digits[1:]
    if not digits.startswith("628") or not 10 <= len(digits) <= 15:
        return None
    return digits


def next_appointment(case: Case):
    today = today_in(case.unit.timezone)
    return db.session.scalar(
        select(func.min(Event.next_action_date)).where(
            Event.case_id == case.id, Event.next_action_date >= today
        )
    )


def message_for(case: Case, survey_url: str | None = None) -> str:
    lines = [
        _("Yth. Bapak/Ibu %(name)s,", name=case.applicant.name),
        _(
            "Terima kasih telah menghubungi Klinik Rumah Swadaya %(unit)s. Nomor kasus Anda: %(number)s.",
            unit=case.unit.name,
            number=case.number,
        ),
    ]
    appointment = next_appointment(case) if case.is_open else None
    if appointment:
        lines.append(
            _("Jadwal tindak lanjut berikutnya: %(date)s.", date=format_date(appointment, "d MMM y"))
        )
    if survey_url:
        lines.append(_("Mohon isi survei kepuasan layanan: %(url)s", url=survey_url))
    return "\n".join(lines)


def whatsapp_link(user: User, case: Case, survey_url: str | None = None) -> str | None:
    """The hand-off link, only where a number is known and the user may see it unmasked."""
    if not access.can_see_phone(user, case):
        return None
    number = international_number(case.applicant.phone)
    if number is None:
        return None
    return f"https://wa.me/{number}?text={quote(message_for(case, survey_url))}"
