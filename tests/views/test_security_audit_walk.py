"""Audit completeness: every state-changing rule of the app, driven with valid data, writes an
audit row naming the actor, in the same transaction as the change; any request that changes a
table also changes the audit log. A new POST rule fails here until it has a builder below."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import select

from krs import applicant_records
from krs.extensions import db
from krs.models import AuditLog, CaseStatus, Role
from krs.outreach import service as outreach_service
from tests.support import (
    JPEG,
    TEST_PASSWORD,
    db_fingerprint,
    design_file_for_walk,
    design_for_walk,
    design_line_for_walk,
    login,
    make_group,
    make_session,
    price_list_for_walk,
    rab_for_walk,
    valid_nik,
    work_item_for_walk,
)

# Rules that change nothing but the visitor's own session cookie.
NO_DATA_CHANGE = {
    "main.set_language": "the interface language lives in the visitor's own session",
    "main.stay_signed_in": "'Tetap masuk' (issue 14) renews the visitor's own session cookie",
}

# Rules that change data but write no audit row, on purpose; each names the only tables it may change
# (checked in test_exempt_rules_change_only_their_own_tables).
EXEMPT = {
    # Read-marks are the user's own inbox state, like the read flag of an e-mail: opening a case page
    # (a GET) settles its notifications the same way. Auditing them would bury the real changes.
    "notifications.mark_read": {"notification"},
}

# Public rules whose change has no signed-in actor: the survey respondent is anonymous by design.
ANONYMOUS_ACTOR = {"surveys.answer", "surveys.kiosk"}


def _when():
    return (datetime.now() - timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M")


def _intake(env):
    return {
        "unit_id": str(env["units"]["jawa2"].id),
        "name": "Siti Aminah",
        "nik": "3201015005900001",
        "phone": "081234567890",
        "gender": "P",
        "province_code": "32",
        "regency_code": "32.01",
        "district_code": "32.01.01",
        "village_code": "32.01.01.1001",
        "consent_given": "y",
        "channel": "walk_in",
        "service_types": "house_design",
        "description": "Atap bocor",
        "priority": "normal",
    }


def _case(env, status, **kw):
    return env["make_case"](unit=env["units"]["jawa2"], status=status, **kw)


# endpoint -> list of builders(env) -> (role or None, url, form data, expected audit action)
BUILDERS = {
    "auth.login": [
        lambda env: (None, "/login", {"username": "walk-admin", "password": TEST_PASSWORD}, "auth.login")
    ],
    "auth.logout": [lambda env: ("staff", "/logout", {}, "auth.logout")],
    "auth.change_password": [
        lambda env: (
            "staff",
            "/password",
            {"current": TEST_PASSWORD, "new": "kebun-mangga-7", "confirm": "kebun-mangga-7"},
            "auth.change_password",
        )
    ],
    "cases.new_case": [lambda env: ("staff", "/cases/new", _intake(env), "case.create")],
    "cases.assign": [
        lambda env: (
            (c := _case(env, CaseStatus.NEW)) and "supervisor",
            f"/cases/{c.id}/assign",
            {"assignee_id": str(env["users"]["staff"].id), "version": str(c.version)},
            "case.assign",
        )
    ],
    "cases.add_event": [
        lambda env: (
            (c := _case(env, CaseStatus.ASSIGNED, assignee=env["users"]["intern"])) and "intern",
            f"/cases/{c.id}/events",
            {"kind": "call", "body": "Menelepon pemohon", "occurred_at": _when(), "duration_minutes": "10"},
            "case.follow_up",
        )
    ],
    "cases.take": [
        lambda env: (
            (c := _case(env, CaseStatus.NEW)) and "staff",
            f"/cases/{c.id}/take",
            {"version": str(c.version)},
            "case.take",
        )
    ],
    "cases.request_closure": [
        lambda env: (
            (c := _case(env, CaseStatus.IN_PROGRESS)) and "staff",
            f"/cases/{c.id}/close",
            {"outcome": "resolved", "closure_summary": "Desain diserahkan", "version": str(c.version)},
            "case.request_closure",
        )
    ],
    "cases.approve_closure": [
        lambda env: (
            (c := _case(env, CaseStatus.CLOSURE_REQUESTED)) and "supervisor",
            f"/cases/{c.id}/approve-closure",
            {"decision": "approve", "version": str(c.version)},
            "case.approve_closure",
        ),
        lambda env: (
            (c := _case(env, CaseStatus.CLOSURE_REQUESTED)) and "supervisor",
            f"/cases/{c.id}/approve-closure",
            {"decision": "return", "comment": "Lengkapi foto", "version": str(c.version)},
            "case.return_closure",
        ),
    ],
    "cases.reopen": [
        lambda env: (
            (c := _case(env, CaseStatus.CLOSED)) and "supervisor",
            f"/cases/{c.id}/reopen",
            {"reason": "Pemohon kembali", "version": str(c.version)},
            "case.reopen",
        )
    ],
    "cases.reveal_nik": [
        lambda env: (
            (c := _case(env, CaseStatus.NEW)) and "staff",
            f"/cases/{c.id}/reveal-nik",
            {},
            "applicant.reveal_nik",
        )
    ],
    # issue 13, point 7: the NIK in full only through an audited action
    "applicants.reveal_nik": [
        lambda env: (
            (c := _case(env, CaseStatus.NEW)) and "staff",
            f"/applicants/{c.applicant_id}/reveal-nik",
            {},
            "applicant.reveal_nik",
        )
    ],
    "reports.export_cases_full_nik": [
        lambda env: (
            _case(env, CaseStatus.NEW) and "staff",
            "/reports/cases-nik.xlsx?view=all",
            {},
            "export.reveal_nik",
        )
    ],
}


# ---------------------------------------------------------------- builders of routes merged later
# Each prepares its records through the real services (or plain rows) and returns valid form data.


def _unit(env, key="jawa2"):
    return env["units"][key]


def _fresh_staff(env):
    """An account the supervisor manages, so changing it leaves the walk's own users alone."""
    return env["make_user"](Role.STAFF, _unit(env))


def _reference_item():
    from krs.admin import service as admin_service

    admin_service.ensure_reference_items()
    return next(iter(admin_service.reference_items()["channel"]))


def _unit_form(code, name, provinces):
    return {
        "code": code,
        "name": name,
        "kind": "balai",
        "timezone": "Asia/Jakarta",
        "provinces": provinces,
        "active": "y",
    }


def _pending_transfer(env):
    from krs.cases import transfer

    case = _case(env, CaseStatus.IN_PROGRESS)
    return transfer.request_transfer(
        env["users"]["supervisor"], case, _unit(env, "jawa3"), "Pindah domisili."
    )


def _saved_filter(env):
    from krs.cases import saved_filters

    return saved_filters.save_filter(env["users"]["staff"], "Kasus lama", "view=mine&status=new")


_admin_builders = {
    "admin.unit_new": [
        lambda env: ("admin", "/admin/units/new", _unit_form("JAWA9", "BP2P Jawa IX", ["35"]), "unit.create")
    ],
    "admin.unit_edit": [
        lambda env: (
            "admin",
            f"/admin/units/{_unit(env, 'jawa3').id}",
            _unit_form("JAWA3", "BP2P Jawa III (Semarang)", ["33", "34"]),
            "unit.update",
        )
    ],
    "admin.user_new": [
        lambda env: (
            "supervisor",
            "/admin/users/new",
            {
                "username": "petugas.baru",
                "full_name": "Petugas Baru",
                "role": "staff",
                "unit_id": str(_unit(env).id),
            },
            "user.create",
        )
    ],
    "admin.user_edit": [
        lambda env: (
            "supervisor",
            f"/admin/users/{_fresh_staff(env).id}",
            {"full_name": "Nama Diperbaiki", "role": "intern", "unit_id": str(_unit(env).id)},
            "user.update",
        )
    ],
    "admin.user_active": [
        lambda env: (
            "supervisor",
            f"/admin/users/{_fresh_staff(env).id}/active",
            {"active": "0"},
            "user.deactivate",
        )
    ],
    "admin.user_reset_password": [
        lambda env: (
            "supervisor",
            f"/admin/users/{_fresh_staff(env).id}/reset-password",
            {"confirm": "1"},
            "user.reset_password",
        )
    ],
    "admin.user_end_sessions": [  # issue 13
        lambda env: (
            "supervisor",
            f"/admin/users/{_fresh_staff(env).id}/end-sessions",
            {"confirm": "1"},
            "user.end_sessions",
        )
    ],
    "admin.work_calendar": [  # issue 13: collective leave of 2026 counted as working days
        lambda env: ("admin", "/admin/calendar", {"year": "2026"}, "calendar.collective_leave")
    ],
    "admin.reference": [
        lambda env: (
            "admin",
            "/admin/reference",
            {"item_id": str(_reference_item().id), "label": "Datang ke kantor", "active": "y"},
            "reference.update",
        )
    ],
}

_desk_builders = {
    "cases.transfer": [
        lambda env: (
            (c := _case(env, CaseStatus.IN_PROGRESS)) and "supervisor",
            f"/cases/{c.id}/transfer",
            {
                "to_unit_id": str(_unit(env, "jawa3").id),
                "reason": "Domisili di Klaten.",
                "version": str(c.version),
            },
            "case.transfer_request",
        )
    ],
    "cases.transfer_review": [
        lambda env: (
            "admin",
            f"/cases/transfers/{_pending_transfer(env).id}",
            {"decision": "accept", "comment": "Diterima."},
            "case.transfer_accept",
        ),
        lambda env: (
            "admin",
            f"/cases/transfers/{_pending_transfer(env).id}",
            {"decision": "reject", "comment": "Masih di wilayah asal."},
            "case.transfer_reject",
        ),
    ],
    "cases.bulk_assign": [
        lambda env: (
            "supervisor",
            "/cases/bulk-assign",
            {
                "case_ids": [str(_case(env, CaseStatus.NEW).id), str(_case(env, CaseStatus.NEW).id)],
                "assignee_id": str(env["users"]["staff"].id),
            },
            "case.assign",
        )
    ],
    "cases.save_filter": [
        lambda env: (
            "staff",
            "/cases/filters",
            {"name": "Baru saya", "query": "view=mine&status=new"},
            "saved_filter.save",
        )
    ],
    "cases.delete_filter": [
        lambda env: (
            "staff",
            "/cases/filters/delete",
            {"filter_id": str(_saved_filter(env).id)},
            "saved_filter.delete",
        )
    ],
}


def _session_form(env, **overrides):
    return {
        "unit_id": str(_unit(env).id),
        "held_on": "2026-11-20",
        "duration_minutes": "150",
        "topic": "Rumah tahan gempa",
        "services": ["construction"],
        "province_code": "32",
        "regency_code": "32.76",
        "district_code": "32.76.01",
        "village_code": "32.76.01.1006",
        "place": "Balai desa",
        "staff_ids": [str(env["users"]["staff"].id), str(env["users"]["intern"].id)],
        "participants_count": "30",
        "households_count": "25",
        "attendee_niks": f"{valid_nik(8101, female=True)}\n{valid_nik(8102, female=True)}",
        **overrides,
    }


def _session(env):
    return make_session(env["users"]["staff"], _unit(env), staff=[env["users"]["staff"]])


def _group(env, n):
    nik = valid_nik(n, female=True)
    return make_group(env["users"]["staff"], _unit(env), contact_nik=nik).case.applicant


def _member(env, group, n):
    return outreach_service.add_member(env["users"]["staff"], group, "Ibu Ani", valid_nik(n, female=True))


def _photo():
    import io

    return (io.BytesIO(JPEG), "kegiatan.jpg")


_outreach_builders = {
    "outreach.new_session": [lambda env: ("staff", "/outreach/new", _session_form(env), "outreach.create")],
    "outreach.edit_session": [
        lambda env: (
            "staff",
            f"/outreach/{_session(env).id}/edit",
            _session_form(env, topic="Rumah tahan gempa (ulang)"),
            "outreach.update",
        )
    ],
    "outreach.session_intake": [
        lambda env: (
            "staff",
            f"/outreach/{_session(env).id}/intake",
            {
                "nik": valid_nik(8201, female=True),
                "name": "Warga Desa",
                "phone": "081234567001",
                "service_types": ["program_info"],
                "description": "Tanya syarat BSPS.",
                "consent_given": "y",
            },
            "outreach.intake",
        )
    ],
    "outreach.add_photo": [
        lambda env: ("staff", f"/outreach/{_session(env).id}/photos", {"photo": _photo()}, "outreach.photo")
    ],
    "outreach.new_group": [
        lambda env: (
            "staff",
            "/outreach/groups/new",
            {
                "unit_id": str(_unit(env).id),
                "name": "KSM Sido Makmur",
                "group_kind": "ksm",
                "province_code": "32",
                "regency_code": "32.76",
                "district_code": "32.76.01",
                "village_code": "32.76.01.1006",
                "address": "Jl. Anggrek 2",
                "member_households": "15",
                "members": f"Ibu Wati, {valid_nik(8301, female=True)}\nPak Joko",
                "contact_name": "Bapak Harun Pratama",
                "contact_nik": valid_nik(8302),
                "phone": "081298765432",
                "consent_given": "y",
                "channel": "walk_in",
                "priority": "normal",
                "service_types": ["house_design"],
                "description": "KSM minta desain rumah contoh.",
            },
            "case.create",
        )
    ],
    "outreach.add_member": [
        lambda env: (
            "staff",
            f"/outreach/groups/{_group(env, 8401).id}/members",
            {"name": "Ibu Ani", "nik": valid_nik(8402, female=True)},
            "group.member_add",
        )
    ],
    "outreach.paste_members": [
        lambda env: (
            "staff",
            f"/outreach/groups/{_group(env, 8411).id}/members/paste",
            {
                "members": f"Ibu Ani;{valid_nik(8412, female=True)}\nPak Budi\t{valid_nik(8413)}",
                "confirm": "1",
            },
            "group.member_paste",
        )
    ],
    "outreach.edit_member": [
        lambda env: (
            "staff",
            f"/outreach/groups/{(g := _group(env, 8421)).id}/members/{_member(env, g, 8422).id}/edit",
            {"name": "Ibu Ani Lestari", "nik": valid_nik(8423, female=True)},
            "group.member_update",
        )
    ],
    "outreach.remove_member": [
        lambda env: (
            "staff",
            f"/outreach/groups/{(g := _group(env, 8431)).id}/members/{_member(env, g, 8432).id}/remove",
            {},
            "group.member_remove",
        )
    ],
    "outreach.new_group_case": [
        lambda env: (
            "staff",
            f"/outreach/groups/{_group(env, 8501).id}/cases/new",
            {"channel": "phone", "priority": "normal", "service_types": ["permits"], "description": "PBG."},
            "case.create",
        )
    ],
}

_reports_builders = {
    "reports.edit_service_level": [
        lambda env: (
            "admin",
            "/reports/service-levels/permits",
            {"permits-first_response_days": "2", "permits-resolution_days": "10"},
            "service_level.set",
        )
    ],
    "reports.edit_target": [
        lambda env: (
            "admin",
            f"/reports/targets/{(u := _unit(env)).id}/2026",
            {
                f"u{u.id}-cases_served": "120",
                f"u{u.id}-within_sla_pct": "80",
                f"u{u.id}-min_ikm": "76",
                f"u{u.id}-field_visits": "40",
            },
            "target.set",
        )
    ],
}


def _survey_token(env) -> str:
    from datetime import UTC

    from krs.models import Survey
    from krs.surveys.service import new_token

    case = _case(env, CaseStatus.CLOSED)
    survey = Survey(
        token=new_token(),
        unit_id=case.unit_id,
        case_id=case.id,
        expires_at=datetime.now(UTC) + timedelta(days=1),
    )
    db.session.add(survey)
    db.session.commit()
    return survey.token


_ALL_FOURS = {f"u{i}": "4" for i in range(1, 10)}

_survey_builders = {
    "surveys.answer": [
        lambda env: (
            None,
            f"/surveys/{_survey_token(env)}",
            {**_ALL_FOURS, "comment": "Ramah"},
            "survey.submit",
        )
    ],
    "surveys.kiosk": [
        lambda env: (None, f"/surveys/kiosk/{_survey_token(env)}", _ALL_FOURS, "survey.submit")
    ],
    "surveys.invite": [
        lambda env: (
            "staff",
            f"/surveys/cases/{_case(env, CaseStatus.CLOSED).id}/invite",
            {"mode": "link"},
            "survey.invite",
        )
    ],
}


def _intern_today(env):
    from krs.worklog.service import today_for

    return today_for(env["users"]["intern"])


def _entry(env, days_ago=0, minutes=60):
    """A plain logbook entry of the walk's intern, `days_ago` before today."""
    from krs.models import WorkLogEntry
    from krs.worklog.service import week_start_of

    day = _intern_today(env) - timedelta(days=days_ago)
    entry = WorkLogEntry(
        user_id=env["users"]["intern"].id,
        work_date=day,
        week_start=week_start_of(day),
        minutes=minutes,
        category="desk_service",
        description="Melayani konsultasi.",
    )
    db.session.add(entry)
    db.session.commit()
    return entry


def _entry_form(day, **overrides):
    return {
        "work_date": day.isoformat(),
        "minutes": "90",
        "category": "desk_service",
        "description": "Melayani konsultasi di meja layanan.",
        **overrides,
    }


def _submitted_week(env, days_ago):
    from krs.models import WeekStatus, WorkWeek

    entry = _entry(env, days_ago)
    week = WorkWeek(user_id=entry.user_id, week_start=entry.week_start, status=WeekStatus.SUBMITTED)
    db.session.add(week)
    db.session.commit()
    return week


def _placement_intern(env):
    return env["make_user"](Role.INTERN, _unit(env))


def _placement_form(env, intern, **overrides):
    today = _intern_today(env)
    return {
        "user_id": str(intern.id),
        "university": "Universitas Uji",
        "study_programme": "Teknik Sipil",
        "field_supervisor_id": str(env["users"]["supervisor"].id),
        "start_date": (today - timedelta(days=10)).isoformat(),
        "end_date": (today + timedelta(days=80)).isoformat(),
        **overrides,
    }


def _placement(env):
    from krs.worklog import service as worklog_service

    intern = _placement_intern(env)
    data = _placement_form(env, intern)
    return worklog_service.save_placement(
        env["users"]["supervisor"],
        worklog_service.PlacementData(
            user_id=intern.id,
            university=data["university"],
            study_programme=data["study_programme"],
            field_supervisor_id=env["users"]["supervisor"].id,
            start_date=date.fromisoformat(data["start_date"]),
            end_date=date.fromisoformat(data["end_date"]),
        ),
    )


_worklog_builders = {
    "worklog.add_entry": [
        lambda env: ("intern", "/worklog/entries", _entry_form(_intern_today(env)), "worklog.entry_create")
    ],
    "worklog.edit_entry": [
        lambda env: (
            "intern",
            f"/worklog/entries/{(e := _entry(env)).id}",
            _entry_form(e.work_date, description="Melayani konsultasi dan mencatat kasus."),
            "worklog.entry_update",
        )
    ],
    "worklog.delete_entry": [
        lambda env: ("intern", f"/worklog/entries/{_entry(env).id}/delete", {}, "worklog.entry_delete")
    ],
    # past weeks, each its own: the current week stays open for the entry builders above
    "worklog.submit_week": [
        lambda env: (
            "intern",
            "/worklog/weeks/submit",
            {"week_start": _entry(env, days_ago=14).week_start.isoformat()},
            "worklog.week_submit",
        )
    ],
    "worklog.review_week": [
        lambda env: (
            "supervisor",
            f"/worklog/weeks/{_submitted_week(env, days_ago=21).id}/review",
            {"decision": "approve"},
            "worklog.week_approve",
        ),
        lambda env: (
            "supervisor",
            f"/worklog/weeks/{_submitted_week(env, days_ago=28).id}/review",
            {"decision": "return", "comment": "Lengkapi uraian."},
            "worklog.week_return",
        ),
    ],
    "worklog.new_placement": [
        lambda env: (
            "supervisor",
            "/worklog/placements/new",
            _placement_form(env, _placement_intern(env)),
            "placement.create",
        )
    ],
    "worklog.edit_placement": [
        lambda env: (
            "supervisor",
            f"/worklog/placements/{(p := _placement(env)).id}/edit",
            _placement_form(env, p.intern, university="Universitas Uji Lanjutan"),
            "placement.update",
        )
    ],
}

# issue 16 (h16a): status links, referrals, agencies


def _agency(name="Dinas Perkim Walk"):
    from krs.models import Agency

    found = db.session.scalars(select(Agency).where(Agency.name == name)).first()
    if found is None:
        found = Agency(name=name, kind="dinas_perkim")
        db.session.add(found)
        db.session.commit()
    return found


def _letter_day():
    return date.today() - timedelta(days=1)


def _referral(env):
    from krs.referrals import service as referral_service

    staff = env["users"]["staff"]
    data = referral_service.ReferralData(_agency(), "bsps", _letter_day(), "Mohon verifikasi.", staff)
    return referral_service.create_referral(staff, _case(env, CaseStatus.NEW), data)


_referral_builders = {
    "cases.revoke_status_link": [
        lambda env: (
            "staff",
            f"/cases/{_case(env, CaseStatus.NEW).id}/status-link/revoke",
            {},
            "status_link.revoke",
        )
    ],
    "referrals.agencies": [
        lambda env: (
            "admin",
            "/referrals/agencies",
            {"name": "BAZNAS Walk", "kind": "baznas"},
            "agency.create",
        )
    ],
    "referrals.edit_agency": [
        lambda env: (
            "admin",
            f"/referrals/agencies/{_agency().id}",
            {"name": "Bank Walk", "kind": "bank", "active": "y"},
            "agency.update",
        )
    ],
    "referrals.new_referral": [
        lambda env: (
            "staff",
            f"/referrals/cases/{_case(env, CaseStatus.NEW).id}/new",
            {
                "agency_id": str(_agency().id),
                "programme": "bsps",
                "letter_date": _letter_day().isoformat(),
                "purpose": "Mohon verifikasi calon penerima.",
                "signer_id": str(env["users"]["staff"].id),
            },
            "referral.create",
        )
    ],
    "referrals.answer": [
        lambda env: (
            "staff",
            f"/referrals/{_referral(env).id}/answer",
            {"answer_code": "accepted", "answer_date": _letter_day().isoformat()},
            "referral.answer",
        )
    ],
}


# ---------------------------------------------------------------- issue 14: corrections and merges


def _applicant_form(applicant, **overrides):
    data = {
        "version": str(applicant.version),
        "name": applicant.name,
        "phone": "0813-1111-2222",
        "province_code": applicant.province_code,
        "regency_code": applicant.regency_code,
        "district_code": applicant.district_code,
        "village_code": applicant.village_code,
        "reason": "Pemohon ganti nomor HP.",
    }
    return {**data, **overrides}


def _merge(env):
    keep = _case(env, CaseStatus.NEW, name="Ahmad Fauzi").applicant
    other = _case(env, CaseStatus.NEW, name="Bapak Ahmad Fauzi").applicant
    return applicant_records.merge_applicants(env["users"]["supervisor"], keep, other, {}, "Data ganda.")


_correction_builders = {
    "cases.edit_case": [
        lambda env: (
            (c := _case(env, CaseStatus.ASSIGNED, assignee=env["users"]["intern"])) and "intern",
            f"/cases/{c.id}/edit",
            {"version": str(c.version), "floor_area_m2": "36,5", "reason": "Diukur di lapangan."},
            "case.edit",
        )
    ],
    "applicants.edit": [
        lambda env: (
            (a := _case(env, CaseStatus.NEW).applicant) and "staff",
            f"/applicants/{a.id}/edit",
            _applicant_form(a),
            "applicant.edit",
        )
    ],
    "applicants.merge": [
        lambda env: (
            (a := _case(env, CaseStatus.NEW, name="Siti Aminah").applicant)
            and (b := _case(env, CaseStatus.NEW, name="Ibu Siti Aminah").applicant)
            and "supervisor",
            f"/applicants/merge?a={a.id}&b={b.id}",
            {"survivor": "a", "version_a": "1", "version_b": "1", "reason": "Orang yang sama."},
            "applicant.merge",
        )
    ],
    "applicants.unmerge": [
        lambda env: (
            "admin",
            f"/applicants/merges/{_merge(env).id}/unmerge",
            {"reason": "Bukan orang yang sama."},
            "applicant.unmerge",
        )
    ],
}

# ---------------------------------------------------------------- issue 16 (h16i): backlog imports


_BACKLOG_ROWS = iter(range(1000, 100_000, 10))  # each file's NIKs new: never duplicates of the last


def _backlog_file():
    import io

    from tests.import_files import backlog_xlsx, good_row

    first = next(_BACKLOG_ROWS)
    return (io.BytesIO(backlog_xlsx([good_row(n) for n in range(first, first + 3)])), "arsip.xlsx")


def _import_batch(env, step: str):
    from werkzeug.datastructures import FileStorage

    from krs.imports import service as import_service
    from krs.models import ImportBatch

    spv, unit = env["users"]["supervisor"], env["units"]["jawa2"]
    data, name = _backlog_file()
    batch = import_service.upload(spv, unit, FileStorage(data, filename=name))
    if step in ("checked", "imported"):
        import_service.start_check(spv, batch, import_service.guess_mapping(batch.headers), False)
    if step == "imported":
        import_service.start_import(spv, db.session.get(ImportBatch, batch.id))
    return db.session.get(ImportBatch, batch.id)


def _mapping_form(batch):
    mapping = {f"col_{k}": "" if v is None else str(v) for k, v in batch.mapping.items()}
    return mapping | {"on_problem": "skip"}


_import_builders = {
    "imports.upload": [
        lambda env: (
            "supervisor",
            "/imports/upload",
            {"unit_id": str(env["units"]["jawa2"].id), "file": _backlog_file()},
            "import.upload",
        )
    ],
    "imports.mapping": [
        lambda env: (
            (b := _import_batch(env, "uploaded")) and "supervisor",
            f"/imports/{b.id}/mapping",
            _mapping_form(b),
            "import.check",
        )
    ],
    "imports.confirm": [
        lambda env: (
            (b := _import_batch(env, "checked")) and "supervisor",
            f"/imports/{b.id}/confirm",
            {},
            "import.confirm",
        )
    ],
    "imports.undo": [
        lambda env: (
            (b := _import_batch(env, "imported")) and "admin",
            f"/imports/{b.id}/undo",
            {},
            "import.undo",
        )
    ],
}


# ---------------------------------------------------------------- issue 18 (h18a): the design library


def _design(env):
    return design_for_walk(_case(env, CaseStatus.NEW))


def _design_form(env, code="JAWA2-T36-WALK"):
    return {
        "unit_id": str(env["units"]["jawa2"].id),
        "code": code,
        "name": "Tipe 36 bata",
        "house_type": "Tipe 36",
        "floor_area_m2": "36,5",
        "floors": "1",
        "bedrooms": "2",
        "structure": "masonry",
        "active": "y",
    }


_design_builders = {
    "designs.new_design": [lambda env: ("supervisor", "/designs/new", _design_form(env), "design.create")],
    "designs.edit_design": [
        lambda env: (
            "supervisor",
            f"/designs/{_design(env).id}/edit",
            _design_form(env, "JAWA2-T36-EDIT"),
            "design.edit",
        )
    ],
    "designs.add_line": [
        lambda env: (
            "supervisor",
            f"/designs/{_design(env).id}/lines",
            {"work_item_code": "S.01", "volume": "0,99"},
            "design.line_add",
        )
    ],
    "designs.remove_line": [
        lambda env: (
            (c := _case(env, CaseStatus.NEW)) and "supervisor",
            f"/designs/{design_for_walk(c).id}/lines/{design_line_for_walk(c)}/delete",
            {},
            "design.line_remove",
        )
    ],
    "designs.add_file": [
        lambda env: (
            "supervisor",
            f"/designs/{_design(env).id}/files",
            {"kind": "plan", "upload": _photo()},
            "design.file_add",
        )
    ],
    "designs.remove_file": [
        lambda env: (
            (c := _case(env, CaseStatus.NEW)) and "supervisor",
            f"/designs/{design_for_walk(c).id}/files/{design_file_for_walk(c)}/delete",
            {},
            "design.file_remove",
        )
    ],
    "designs.hand_out": [
        lambda env: (
            (c := _case(env, CaseStatus.IN_PROGRESS)) and "staff",
            f"/designs/cases/{c.id}/handout",
            {"design_id": str(design_for_walk(c).id), "version": str(c.version)},
            "case.design_handout",
        )
    ],
}

BUILDERS |= _admin_builders | _desk_builders | _outreach_builders | _reports_builders | _survey_builders
BUILDERS |= (
    _worklog_builders | _referral_builders | _correction_builders | _import_builders | _design_builders
)


# ---------------------------------------------------------------- issue 18 (h18b): prices, work items, RAB


def _price_list(env):
    return price_list_for_walk(_case(env, CaseStatus.NEW))


def _import_token(env):
    from flask import current_app
    from itsdangerous import URLSafeSerializer

    pl = _price_list(env)
    row = {
        "row": 2,
        "code": "M.CAT",
        "name": "Cat",
        "unit": "kg",
        "price": "25000",
        "kind": "material",
        "source": "",
        "error": "",
        "action": "new",
    }
    token = URLSafeSerializer(current_app.config["SECRET_KEY"], salt="krs-price-import").dumps(
        {"pl": pl.id, "rows": [row]}
    )
    return pl, token


def _rab(env):
    return rab_for_walk(_case(env, CaseStatus.IN_PROGRESS, assignee=env["users"]["staff"]))


_rab_builders = {
    "rab.new_price_list": [
        lambda env: (
            "supervisor",
            "/prices/new",
            {"unit_id": str(_unit(env).id), "regency_code": "32.73", "year": "2027", "name": "Harga audit"},
            "price_list.create",
        )
    ],
    "rab.edit_price_item": [
        lambda env: (
            "supervisor",
            f"/prices/{_price_list(env).id}/items/new",
            {"code": "M.SEMEN", "kind": "material", "name": "Semen", "unit": "zak", "price": "Rp 65.000"},
            "price_item.save",
        )
    ],
    "rab.import_prices": [
        lambda env: (
            (pt := _import_token(env)) and "supervisor",
            f"/prices/{pt[0].id}/import",
            {"token": pt[1]},
            "price_list.import",
        )
    ],
    "rab.copy_price_list": [
        lambda env: (
            "supervisor",
            f"/prices/{_price_list(env).id}/copy",
            {"year": "2030", "percent": "+5,5 %", "name": "Harga 2030"},
            "price_list.copy",
        )
    ],
    "rab.edit_work_item": [
        lambda env: (
            "admin",
            "/work-items/new",
            {
                "code": "X.01",
                "group": "lain",
                "name": "Uji",
                "unit": "m2",
                "active": "y",
                "coefficients": "L.PEKERJA | upah | Pekerja | OH | 0,1 | uji",
            },
            "work_item.save",
        )
    ],
    "rab.ceilings": [
        lambda env: (
            "admin",
            "/rab/ceilings",
            {"name": "BSPS", "amount": "Rp 20.000.000", "active": "y"},
            "aid_ceiling.save",
        )
    ],
    "rab.new_rab": [
        lambda env: (
            (c := _case(env, CaseStatus.IN_PROGRESS, assignee=env["users"]["staff"])) and "staff",
            f"/cases/{c.id}/rab/new",
            {"price_list_id": str(price_list_for_walk(c).id), "design_id": "0"},
            "rab.create",
        )
    ],
    "rab.add_lines": [
        lambda env: (
            "staff",
            f"/rab/{_rab(env).id}/lines",
            {"design_id": "0", "work_item_id": str(work_item_for_walk().id)},
            "rab.add_lines",
        )
    ],
    "rab.edit_line": [
        lambda env: (
            (r := _rab(env)) and "staff",
            f"/rab/{r.id}/lines/{r.lines[0].id}",
            {"volume": "12,5"},
            "rab.update_line",
        )
    ],
    "rab.settings": [
        lambda env: (
            (r := _rab(env)) and "staff",
            f"/rab/{r.id}/settings",
            {
                "price_list_id": str(r.price_list_id),
                "overhead_pct": "0",
                "smkk_amount": "100.000",
                "ceiling_id": "0",
            },
            "rab.settings",
        )
    ],
    "rab.hand_over": [lambda env: ("staff", f"/rab/{_rab(env).id}/hand-over", {}, "rab.hand_over")],
    "rab.new_version": [lambda env: ("staff", f"/rab/{_rab(env).id}/new-version", {}, "rab.new_version")],
}
BUILDERS |= _rab_builders


# ---------------------------------------------------------------- issue 19 (h19b): construction accompaniment


def _acc_case(env, stages_done=None):
    from tests.support import accompaniment_for

    case = _case(env, CaseStatus.IN_PROGRESS)
    if stages_done is not None:
        accompaniment_for(case, stages_done=stages_done)
        db.session.refresh(case)
    return case


def _acc_visit(env):
    from krs.accompaniment import service as acc_service

    case = _acc_case(env, stages_done=0)
    data = {
        "version": str(case.version),
        "stage_id": str(acc_service.stages()[0].id),
        "visit_date": date.today().isoformat(),
        "officer_id": str(env["users"]["staff"].id),
        "progress_percent": "0",
        "advice": "Rapatkan begel.",
        **{f"mark_{i.id}": "sesuai" for i in acc_service.check_items()},
    }
    return "staff", f"/accompaniment/cases/{case.id}/visit", data, "accompaniment.visit"


def _acc_first(kind):
    from krs.accompaniment import service as acc_service

    acc_service.ensure_defaults()
    return (acc_service.stages() if kind == "stage" else acc_service.check_items())[0]


BUILDERS |= {
    "accompaniment.start": [
        lambda env: (
            (c := _acc_case(env)) and "staff",
            f"/accompaniment/cases/{c.id}/start",
            {"version": str(c.version), "work_kind": "build", "started_on": date.today().isoformat()},
            "accompaniment.start",
        )
    ],
    "accompaniment.record_visit": [_acc_visit],
    "accompaniment.edit_stage": [
        lambda env: (
            "admin",
            f"/accompaniment/settings/stages/{_acc_first('stage').id}",
            {
                "code": "tahap-0",
                "name": "Tahap 0 %",
                "position": "1",
                "percent": "0",
                "due_working_days": "7",
            },
            "accompaniment_stage.update",
        )
    ],
    "accompaniment.edit_item": [
        lambda env: (
            "admin",
            "/accompaniment/settings/items/new",
            {"code": "plester", "name": "Plesteran", "advice": "1 : 4", "source": "Walk", "position": "11"},
            "accompaniment_item.create",
        )
    ],
}


@pytest.fixture
def env(units, make_user, make_case):
    users = {
        role: make_user(role, username=f"walk-{role}") for role in ("admin", "supervisor", "staff", "intern")
    }
    return {"units": units, "users": users, "make_case": make_case, "make_user": make_user}


def test_every_mutating_rule_writes_an_audit_row(app, env):
    mutating = {
        r.endpoint for r in app.url_map.iter_rules() if r.methods & {"POST", "PUT", "PATCH", "DELETE"}
    }
    missing = mutating - set(BUILDERS) - set(NO_DATA_CHANGE) - set(EXEMPT)
    assert not missing, f"add a builder to BUILDERS for: {sorted(missing)}"
    audited = []
    for endpoint in sorted(mutating - set(NO_DATA_CHANGE) - set(EXEMPT)):
        for build in BUILDERS[endpoint]:
            role, url, data, action = build(env)
            client = app.test_client()
            if role:
                login(client, env["users"][role])
            before = db_fingerprint()
            last = db.session.scalar(select(AuditLog.id).order_by(AuditLog.id.desc()).limit(1)) or 0
            resp = client.post(url, data=data)
            assert resp.status_code in (200, 302), (
                f"{endpoint}: {resp.status_code} {resp.get_data(as_text=True)[:400]}"
            )
            rows = db.session.scalars(select(AuditLog).where(AuditLog.id > last).order_by(AuditLog.id)).all()
            assert [r.action for r in rows if r.action == action], f"{endpoint}: no '{action}' in {rows}"
            row = next(r for r in rows if r.action == action)
            if endpoint in ANONYMOUS_ACTOR:
                assert row.actor_id is None, endpoint
            else:
                actor = env["users"]["admin"] if role is None else env["users"][role]
                assert row.actor_id == actor.id, endpoint
            assert row.ip == "127.0.0.1", endpoint
            assert row.at is not None
            after = db_fingerprint()
            changed = {t for t in before if before[t] != after[t]}
            assert "audit_log" in changed, endpoint
            audited.append((endpoint, action))
    assert len(audited) >= len(mutating) - len(NO_DATA_CHANGE) - len(EXEMPT)


def test_exempt_rules_change_only_their_own_tables(app, env):
    _case(env, CaseStatus.ASSIGNED, assignee=env["users"]["staff"])  # notifies the staff member
    client = app.test_client()
    login(client, env["users"]["staff"])
    before = db_fingerprint()
    last = db.session.scalar(select(AuditLog.id).order_by(AuditLog.id.desc()).limit(1)) or 0
    assert client.post("/notifications/read", data={"all": "1"}).status_code == 302
    after = db_fingerprint()
    changed = {t for t in before if before[t] != after[t]}
    assert changed == EXEMPT["notifications.mark_read"]
    assert db.session.scalar(select(AuditLog.id).where(AuditLog.id > last)) is None


def test_rules_that_change_no_data_really_change_none(app, env):
    client = app.test_client()
    login(client, env["users"]["staff"])
    before = db_fingerprint()
    assert client.post("/language", data={"lang": "en", "next": "/"}).status_code == 302
    assert db_fingerprint() == before


def test_case_changes_carry_before_and_after(app, env):
    case = _case(env, CaseStatus.NEW)
    client = app.test_client()
    login(client, env["users"]["supervisor"])
    client.post(
        f"/cases/{case.id}/assign",
        data={"assignee_id": str(env["users"]["staff"].id), "version": str(case.version)},
    )
    row = db.session.scalars(select(AuditLog).where(AuditLog.action == "case.assign")).one()
    assert row.before["status"] == "new" and row.after["status"] == "assigned"
    assert row.after["assignee_id"] == env["users"]["staff"].id


def test_the_audit_log_model_has_no_update_or_delete_path_in_services():
    """No service module issues UPDATE or DELETE against audit_log."""
    import pathlib
    import re

    pattern = re.compile(
        r"(update|delete)\s*\(\s*AuditLog|AuditLog\)\.(update|delete)|DELETE FROM audit_log", re.I
    )
    for path in pathlib.Path("krs").rglob("*.py"):
        assert not pattern.search(path.read_text()), path


def test_role_enum_is_complete():
    assert {r.value for r in Role} == {"admin", "viewer", "supervisor", "staff", "intern"}
