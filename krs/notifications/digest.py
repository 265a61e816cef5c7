"""The daily digest (issue 16, part 5): what waits for each officer and supervisor today, by email
through the office's SMTP server, or as a WhatsApp hand-off text where the person has no email.

Plain functions: `digest_for(user, today)` builds one person's digest (sections of plain text),
`send_digests(today)` mails everyone's once per person and day (a `DigestSent` row is claimed
before the mail goes out, so two runs never send twice) — callable as is from the CLI
(`flask krs send-digests`) and from a periodic task of the queue.

What a digest holds, always inside the person's own scope (krs.access) and never a NIK:
- follow-ups due: their open cases whose latest next-action date is today or past;
- cases near their deadline: their open cases due soon or overdue (krs.service_levels);
- closures waiting (supervisors): their unit's cases waiting for closure approval;
- whatever other features add through `krs.signals.digest_requested` (referrals without an
  answer, ...): each receiver returns its own DigestSection(s).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from krs import access
from krs.case_lists import is_latest_follow_up
from krs.extensions import db
from krs.formats import fmt_date
from krs.models import (
    OPEN_STATUSES,
    Applicant,
    Case,
    CaseStatus,
    DigestSent,
    Event,
    Role,
    Unit,
    User,
    utcnow,
)
from krs.notifications import mail
from krs.service_levels import sla_clause
from krs.signals import DigestSection, digest_requested
from krs.whatsapp import wa_link
from krs.workdays import local_date, today_in

log = logging.getLogger(__name__)

DIGEST_ROLES = (Role.SUPERVISOR, Role.STAFF, Role.INTERN)
MAX_LINES = 30  # per section; the rest is counted ("… dan 12 lainnya")


@dataclass
class Digest:
    user: User
    day: date
    sections: list[DigestSection] = field(default_factory=list)

    @property
    def items(self) -> int:
        return sum(len(s.lines) for s in self.sections)

    @property
    def empty(self) -> bool:
        return self.items == 0

    @property
    def subject(self) -> str:
        return _("Pengingat harian KRS %(date)s: %(n)s hal menunggu", date=fmt_date(self.day), n=self.items)

    def text(self) -> str:
        """The digest as plain text (the email's body and the WhatsApp message)."""
        out = [
            _("Yth. %(name)s,", name=self.user.full_name),
            _("Pengingat harian KRS %(unit)s, %(date)s.", unit=self.user.unit.name, date=fmt_date(self.day)),
        ]
        for section in self.sections:
            if not section.lines:
                continue
            out += ["", f"{section.title} ({len(section.lines)})"]
            out += [f"- {line}" for line in section.lines[:MAX_LINES]]
            if len(section.lines) > MAX_LINES:
                out.append(_("… dan %(n)s lainnya", n=len(section.lines) - MAX_LINES))
        out += ["", _("Buka aplikasi KRS untuk menindaklanjuti. Pesan ini dikirim otomatis.")]
        return "\n".join(out)

    def whatsapp_link(self) -> str:
        return wa_link(self.text())


# ---------------------------------------------------------------- building a digest


def _scoped(user: User, stmt):
    scope = access.case_scope_filter(user)
    return stmt if scope is None else stmt.where(scope)


def _line(number: str, name: str | None, when: date | None, note: str = "") -> str:
    parts = [number, name or "", fmt_date(when) if when else "", note]
    return " · ".join(p for p in parts if p)


def follow_ups_due(user: User, today: date) -> DigestSection:
    """The person's open cases whose latest follow-up set a next-action date of today or before."""
    stmt = _scoped(
        user,
        select(Case.number, Applicant.name, Event.next_action_date)
        .select_from(Event)
        .join(Case, Case.id == Event.case_id)
        .join(Applicant, Applicant.id == Case.applicant_id)
        .where(
            Case.assignee_id == user.id,
            Case.status.in_(OPEN_STATUSES),
            Event.next_action_date.is_not(None),
            Event.next_action_date <= today,
            is_latest_follow_up(),
        )
        .order_by(Event.next_action_date, Case.number),
    )
    lines = [
        _line(number, name, when, _("terlambat") if when < today else _("hari ini"))
        for number, name, when in db.session.execute(stmt)
    ]
    return DigestSection(_("Tindak lanjut jatuh tempo"), lines, "follow_ups_due")


def near_deadline(user: User, today: date) -> list[DigestSection]:
    """The person's open cases past their resolution date, and those due within DUE_SOON_DAYS."""
    out = []
    for state, title in (
        ("overdue", _("Melewati batas waktu penyelesaian")),
        ("due_soon", _("Mendekati batas waktu penyelesaian")),
    ):
        stmt = _scoped(
            user,
            select(Case.number, Applicant.name, Case.resolution_due)
            .join(Applicant, Applicant.id == Case.applicant_id)
            .where(Case.assignee_id == user.id, sla_clause(state, today))
            .order_by(Case.resolution_due, Case.number),
        )
        lines = [_line(n, name, due) for n, name, due in db.session.execute(stmt)]
        out.append(DigestSection(title, lines, state))
    return out


def closures_waiting(user: User) -> DigestSection:
    """For a supervisor: the unit's cases waiting for closure approval."""
    lines = []
    if user.role == Role.SUPERVISOR:
        stmt = _scoped(
            user,
            select(Case.number, Applicant.name, Case.updated_at)
            .join(Applicant, Applicant.id == Case.applicant_id)
            .where(Case.unit_id == user.unit_id, Case.status == CaseStatus.CLOSURE_REQUESTED)
            .order_by(Case.updated_at, Case.number),
        )
        lines = [_line(n, name, None) for n, name, _at in db.session.execute(stmt)]
    return DigestSection(_("Penutupan menunggu persetujuan"), lines, "closures_waiting")


def _from_other_features(user: User, today: date) -> list[DigestSection]:
    """Sections of the receivers of `digest_requested` (referrals, ...), in connection order."""
    out = []
    for _receiver, result in digest_requested.send(user, today=today):
        for section in result if isinstance(result, list | tuple) else [result]:
            if isinstance(section, DigestSection):
                out.append(section)
    return out


def digest_for(user: User, today: date | None = None) -> Digest:
    """One person's digest for a day (by default their office's today); empty for other roles."""
    day = today or today_in(user.unit.timezone)
    digest = Digest(user, day)
    if user.role not in DIGEST_ROLES or not user.active:
        return digest
    digest.sections = [
        follow_ups_due(user, day),
        *near_deadline(user, day),
        closures_waiting(user),
        *_from_other_features(user, day),
    ]
    return digest


def people_for_digest(unit_id: int | None = None) -> list[User]:
    """Active officers and supervisors of active units (of one unit when given)."""
    stmt = (
        select(User)
        .join(Unit, Unit.id == User.unit_id)
        .where(User.active.is_(True), Unit.active.is_(True), User.role.in_(DIGEST_ROLES))
        .order_by(User.unit_id, User.full_name, User.id)
    )
    if unit_id is not None:
        stmt = stmt.where(User.unit_id == unit_id)
    return list(db.session.scalars(stmt))


def sent_on(user_ids: list[int], day: date) -> set[int]:
    if not user_ids:
        return set()
    return set(
        db.session.scalars(
            select(DigestSent.user_id).where(DigestSent.user_id.in_(user_ids), DigestSent.day == day)
        )
    )


@dataclass
class ReminderRow:
    user: User
    digest: Digest
    has_email: bool
    sent: bool  # today's digest already went out by email


def reminder_rows(unit: Unit, today: date) -> list[ReminderRow]:
    """The "Pengingat harian" page of a unit: each desk person's digest of the day."""
    people = people_for_digest(unit.id)
    sent = sent_on([p.id for p in people], today)
    return [ReminderRow(p, digest_for(p, today), bool((p.email or "").strip()), p.id in sent) for p in people]


# ---------------------------------------------------------------- sending


@dataclass
class DigestRun:
    sent: list[str] = field(default_factory=list)  # usernames
    already_sent: int = 0
    nothing_waiting: int = 0
    without_email: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)  # (username, error)


def _claim(user: User, day: date) -> bool:
    """Record the digest before sending: a second run (or a concurrent one) finds the row and skips."""
    db.session.add(DigestSent(user_id=user.id, day=day, channel="email", sent_at=utcnow()))
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        return False
    return True


def _release(user: User, day: date) -> None:
    """The mail did not go out: free the day so the next run tries again."""
    row = db.session.scalar(select(DigestSent).where(DigestSent.user_id == user.id, DigestSent.day == day))
    if row is not None:
        db.session.delete(row)
        db.session.commit()


def send_digests(
    today: date | None = None, unit_ids: list[int] | None = None, now: datetime | None = None
) -> DigestRun:
    """Mail each officer and supervisor with an email address their digest of the day, once.

    `today`: the day to send for (by default each person's own office date, at `now`). People without an
    email are listed in the result; their supervisor hands the digest over by WhatsApp from the
    "Pengingat harian" page. Empty digests are not sent (and not recorded). `unit_ids`: only
    these offices' people (the periodic task sends each office at its own morning)."""
    run = DigestRun()
    if unit_ids is not None and not unit_ids:
        return run
    conn, opened = mail.connection(), False  # opened at the first message: no mail, no connection
    try:
        for user in people_for_digest():
            if unit_ids is not None and user.unit_id not in unit_ids:
                continue
            day = today or (local_date(now, user.unit.timezone) if now else today_in(user.unit.timezone))
            if not (user.email or "").strip():
                run.without_email.append(user.username)
                continue
            if db.session.scalar(
                select(DigestSent.id).where(DigestSent.user_id == user.id, DigestSent.day == day)
            ):
                run.already_sent += 1
                continue
            digest = digest_for(user, day)
            if digest.empty:
                run.nothing_waiting += 1
                continue
            if not _claim(user, day):
                run.already_sent += 1
                continue
            try:
                if not opened:
                    conn.open()
                    opened = True
                mail.message(digest.subject, digest.text(), user.email.strip(), conn).send()
            except Exception as exc:  # noqa: BLE001 - one unreachable mailbox must not stop the others
                log.warning("digest to %s failed: %s", user.username, exc)
                _release(user, day)
                run.failed.append((user.username, str(exc)))
            else:
                run.sent.append(user.username)
    finally:
        if opened:
            conn.close()
    return run


# ---------------------------------------------------------------- the daily run (krs/notifications/tasks.py)

DIGEST_HOUR = 6  # each office's digests go out from 06:00 in its own zone


def units_due_for_digest(now: datetime, hour: int = DIGEST_HOUR) -> list[int]:
    """The active offices whose local clock has passed `hour` today (their morning has come)."""
    units = db.session.scalars(select(Unit).where(Unit.active.is_(True)))
    return [u.id for u in units if now.astimezone(ZoneInfo(u.timezone)).hour >= hour]


def send_due_digests(now: datetime | None = None) -> DigestRun:
    """The periodic task's work (every hour on the queue): the offices whose 06:00 has passed get
    their digests of their own day. Idempotent: a person already sent today's digest (a
    `DigestSent` row) is skipped, so hourly runs, a restarted worker or the CLI never send twice,
    and a worker that was down at 06:00 catches up at its next run."""
    now = now or utcnow()
    run = send_digests(unit_ids=units_due_for_digest(now), now=now)
    if run.sent or run.failed:
        log.info("daily digests: %s sent, %s failed", len(run.sent), len(run.failed))
    return run
