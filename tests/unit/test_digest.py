"""The daily digest (issue 16, part 5): mailed through a real SMTP conversation with a local
aiosmtpd server; what each role receives, never another office's cases nor a full NIK; once per
person and day; WhatsApp hand-off for people without email; one notice per bulk assignment."""

from __future__ import annotations

import socket
from datetime import UTC, datetime, timedelta
from email import message_from_bytes, policy

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import func, select

from krs import signals
from krs.cases import service as case_service
from krs.cases import workload
from krs.extensions import db
from krs.models import CaseStatus, DigestSent, Notification, NotificationKind, Role
from krs.notifications import digest
from krs.notifications.mail import init_mail
from krs.workdays import today_in


class Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 OK"

    def to(self, address: str) -> list:
        return [m for m in self.messages if m["To"] == address]

    @staticmethod
    def body(message) -> str:
        return message.get_body(("plain",)).get_content()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def inbox(app):
    handler = Inbox()
    controller = Controller(handler, hostname="127.0.0.1", port=_free_port())
    controller.start()
    saved = {k: app.config.get(k) for k in ("MAIL_BACKEND", "MAIL_SERVER", "MAIL_PORT", "MAIL_USE_TLS")}
    app.config.update(
        MAIL_BACKEND="smtp", MAIL_SERVER="127.0.0.1", MAIL_PORT=controller.port, MAIL_USE_TLS=False
    )
    init_mail(app)
    try:
        yield handler
    finally:
        controller.stop()
        app.config.update(saved)
        init_mail(app)


def _follow_up(actor, case, next_action):
    case_service.add_follow_up(
        actor,
        case,
        case_service.FollowUp(
            kind="call",
            body="Telepon pemohon.",
            occurred_at=datetime.now(UTC) - timedelta(minutes=1),
            duration_minutes=5,
            next_action_date=next_action,
        ),
    )


@pytest.fixture
def desk(units, make_user, make_case):
    """Jawa II: a staff member, an intern, a supervisor (all with email) and a staff member
    without; Jawa III: a staff member with email and a case due today."""
    j2, j3 = units["jawa2"], units["jawa3"]
    today = today_in(j2.timezone)
    people = {
        "staff": make_user(Role.STAFF, unit=j2, email="staf@balai.example"),
        "spv": make_user(Role.SUPERVISOR, unit=j2, email="spv@balai.example"),
        "intern": make_user(Role.INTERN, unit=j2, email="magang@kampus.example"),
        "nomail": make_user(Role.STAFF, unit=j2, full_name="Staf Tanpa Email"),
        "other": make_user(Role.STAFF, unit=j3, email="staf@jawa3.example"),
    }
    cases = {
        "due": make_case(unit=j2, status=CaseStatus.IN_PROGRESS, assignee=people["staff"], name="Budi Due"),
        "soon": make_case(unit=j2, status=CaseStatus.ASSIGNED, assignee=people["staff"], name="Sari Soon"),
        "closing": make_case(unit=j2, status=CaseStatus.CLOSURE_REQUESTED, assignee=people["staff"]),
        "intern": make_case(unit=j2, status=CaseStatus.IN_PROGRESS, assignee=people["intern"], name="Tini"),
        "nomail": make_case(unit=j2, status=CaseStatus.IN_PROGRESS, assignee=people["nomail"], name="Anto"),
        "other": make_case(
            unit=j3, status=CaseStatus.IN_PROGRESS, assignee=people["other"], name="Joko Lain"
        ),
    }
    _follow_up(people["staff"], cases["due"], today)
    _follow_up(people["intern"], cases["intern"], today - timedelta(days=3))
    _follow_up(people["nomail"], cases["nomail"], today)
    _follow_up(people["other"], cases["other"], today)
    cases["soon"].resolution_due = today + timedelta(days=1)
    db.session.commit()
    return people, cases, today


def test_each_role_gets_its_own_digest_by_smtp(inbox, desk):
    people, cases, today = desk
    run = digest.send_digests(today)

    assert sorted(run.sent) == sorted(p.username for k, p in people.items() if k != "nomail")
    assert people["nomail"].username in run.without_email
    staff_mail = inbox.to("staf@balai.example")
    assert len(staff_mail) == 1
    body = Inbox.body(staff_mail[0])
    assert "Tindak lanjut jatuh tempo" in body and cases["due"].number in body and "Budi Due" in body
    assert "Mendekati batas waktu penyelesaian" in body and cases["soon"].number in body
    assert "Penutupan menunggu persetujuan" not in body  # a staff member approves no closure
    assert cases["intern"].number not in body  # a colleague's case

    spv_body = Inbox.body(inbox.to("spv@balai.example")[0])
    assert "Penutupan menunggu persetujuan" in spv_body and cases["closing"].number in spv_body

    intern_body = Inbox.body(inbox.to("magang@kampus.example")[0])
    assert cases["intern"].number in intern_body and "terlambat" in intern_body
    assert cases["due"].number not in intern_body

    other_body = Inbox.body(inbox.to("staf@jawa3.example")[0])
    assert cases["other"].number in other_body and "Joko Lain" in other_body

    everything = "\n".join(Inbox.body(m) + str(m["Subject"]) for m in inbox.messages)
    for case in cases.values():
        assert case.applicant.nik not in everything  # no full NIK, ever
    j2_numbers = [c.number for k, c in cases.items() if k != "other"]
    assert not any(n in other_body for n in j2_numbers)  # no other office's cases
    assert cases["other"].number not in "\n".join(
        Inbox.body(m) for m in inbox.messages if m["To"] != "staf@jawa3.example"
    )
    assert "Pengingat harian KRS" in str(staff_mail[0]["Subject"])


def test_a_digest_goes_out_once_per_person_and_day(inbox, desk):
    people, _, today = desk
    first = digest.send_digests(today)
    second = digest.send_digests(today)
    assert len(first.sent) == 4
    assert second.sent == [] and second.already_sent == 4
    assert len(inbox.messages) == 4
    assert db.session.scalar(select(func.count(DigestSent.id))) == 4


def test_a_failed_mail_is_not_recorded_and_is_tried_again(app, desk):
    people, _, today = desk
    app.config.update(MAIL_BACKEND="smtp", MAIL_SERVER="127.0.0.1", MAIL_PORT=_free_port())  # nobody listens
    init_mail(app)
    try:
        run = digest.send_digests(today)
    finally:
        app.config.update(MAIL_BACKEND=None, MAIL_PORT=25)
        init_mail(app)
    assert run.sent == [] and len(run.failed) == 4
    assert db.session.scalar(select(func.count(DigestSent.id))) == 0


def test_other_features_add_sections_through_the_signal(inbox, desk):
    people, _, today = desk

    def referrals(user, today):
        if user.id == people["staff"].id:
            return signals.DigestSection(
                "Rujukan belum dijawab", ["Surat 12/KRS · Dinas Perkim"], "referrals"
            )
        return None

    signals.digest_requested.connect(referrals)
    try:
        sections = digest.digest_for(people["staff"], today).sections
        digest.send_digests(today)
    finally:
        signals.digest_requested.disconnect(referrals)
    assert sections[-1].key == "referrals"
    body = Inbox.body(inbox.to("staf@balai.example")[0])
    assert "Rujukan belum dijawab (1)" in body and "Surat 12/KRS" in body


def test_reminders_page_hands_over_by_whatsapp(login_as, desk):
    people, cases, _ = desk
    html = login_as(people["spv"]).get("/notifications/reminders").get_data(as_text=True)
    assert "Staf Tanpa Email" in html and "https://wa.me/?text=" in html
    assert cases["nomail"].number in html
    assert cases["other"].number not in html and people["other"].full_name not in html
    assert cases["nomail"].applicant.nik not in html


def test_reminders_page_is_for_supervisors_and_admins(client, login_as, desk, make_user):
    people, _, _ = desk
    assert login_as(people["staff"]).get("/notifications/reminders").status_code == 403
    admin = make_user(Role.ADMIN)
    page = login_as(admin).get(f"/notifications/reminders?unit={people['other'].unit_id}")
    assert page.status_code == 200 and people["other"].full_name in page.get_data(as_text=True)


def test_send_digests_command(app, inbox, desk):
    people, _, today = desk
    result = app.test_cli_runner().invoke(args=["krs", "send-digests", "--date", today.isoformat()])
    assert result.exit_code == 0, result.output
    assert "Pengingat terkirim: 4" in result.output
    assert len(inbox.messages) == 4


def test_bulk_assign_of_five_cases_sends_one_notice(units, make_user, make_case):
    spv = make_user(Role.SUPERVISOR)
    officer = make_user(Role.STAFF)
    chosen = [make_case() for _ in range(5)]
    result = workload.bulk_assign(spv, [c.id for c in chosen], officer)
    assert len(result.assigned) == 5
    notices = list(db.session.scalars(select(Notification).where(Notification.user_id == officer.id)))
    assert len(notices) == 1
    assert notices[0].kind == NotificationKind.ASSIGNED_MANY
    assert all(c.number in notices[0].message for c in chosen)
    # a single assignment still notifies as before
    single = make_case()
    case_service.assign_case(spv, single, officer)
    assert (
        db.session.scalar(select(func.count(Notification.id)).where(Notification.user_id == officer.id)) == 2
    )
