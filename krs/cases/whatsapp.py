"""WhatsApp hand-off: a wa.me link with a prefilled Indonesian message. No external API is called."""

from __future__ import annotations

from urllib.parse import quote

from flask_babel import format_date
from flask_babel import gettext as _
from sqlalchemy import func, select

from krs import access
from krs.extensions import db
from krs.models import Case, Event, User
from krs.whatsapp import international_number
from krs.workdays import today_in


def next_appointment(case: Case):
    today = today_in(case.unit.timezone)
    return db.session.scalar(
        select(func.min(Event.next_action_date)).where(
            Event.case_id == case.id, Event.next_action_date >= today
        )
    )


def message_for(case: Case, survey_url: str | None = None, status_url: str | None = None) -> str:
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
    if status_url:  # the receipt's public status page (issue 16)
        lines.append(_("Pantau status permohonan Anda di: %(url)s", url=status_url))
    if survey_url:
        lines.append(_("Mohon isi survei kepuasan layanan: %(url)s", url=survey_url))
    return "\n".join(lines)


def whatsapp_link(
    user: User, case: Case, survey_url: str | None = None, status_url: str | None = None
) -> str | None:
    """The hand-off link, only where a number is known and the user may see it unmasked."""
    if not access.can_see_phone(user, case):
        return None
    number = international_number(case.applicant.phone)
    if number is None:
        return None
    return f"https://wa.me/{number}?text={quote(message_for(case, survey_url, status_url))}"
