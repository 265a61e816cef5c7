"""THE place for authorisation (DESIGN.md §5): every role decision of the app is made here.

Arranged by feature: the endpoint table; general (roles, national scope); cases; applicants and
personal data; outreach and groups; logbook; reports and surveys; transfers and workload;
administration. Each feature section has the same three kinds of names:

- scoped queries `<things>_visible_to(user)`: every list starts from one of them;
- permission checks `can_<verb>_<thing>(user, thing)`: a yes/no, never a query result to show;
  views hand their answers to templates as flags (or templates call the few that
  `krs/templating.py` exposes as checks on `current_user`);
- loaders `get_<thing>_or_404(user, id, action=...)`: one record through the scope, and the check
  named by `action` (looked up in the feature's `<THING>_CHECKS` table).

How a request is denied, in exactly two places:
1. By endpoint, before the view runs: a role outside the endpoint's rule in ENDPOINTS gets 403
   (`krs/__init__.py`); an endpoint without a rule is never served (404).
2. By record: a loader answers 404 when the record is outside the user's scope or the action is
   not allowed on it, so the answer never tells whether another office's record exists.
Services re-check with the same `can_*` functions and raise their own domain error.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import abort
from sqlalchemy import Select, exists, false, or_, select

from krs.extensions import db
from krs.models import (
    Accompaniment,
    AccompanimentVisit,
    Applicant,
    Assessment,
    Attachment,
    AttachmentKind,
    Case,
    CaseTransfer,
    Design,
    Event,
    EventKind,
    ImportBatch,
    OutreachSession,
    Placement,
    PreCheck,
    PriceList,
    Rab,
    RabStatus,
    Referral,
    Role,
    Survey,
    Unit,
    UnitTarget,
    User,
    WorkLogEntry,
    WorkWeek,
    session_staff,
)

ADMIN, VIEWER, SUPERVISOR, STAFF, INTERN = (
    Role.ADMIN,
    Role.VIEWER,
    Role.SUPERVISOR,
    Role.STAFF,
    Role.INTERN,
)
ALL_ROLES = frozenset(Role)
DESK_ROLES = frozenset({ADMIN, SUPERVISOR, STAFF, INTERN})
UNIT_DESK_ROLES = (SUPERVISOR, STAFF, INTERN)  # the people who work a unit's cases


# ================================================================ endpoint table


@dataclass(frozen=True)
class EndpointRule:
    public: bool = False
    roles: frozenset = ALL_ROLES


PUBLIC = EndpointRule(public=True)
SIGNED_IN = EndpointRule()


def roles(*allowed: Role) -> EndpointRule:
    return EndpointRule(roles=frozenset(allowed))


# Every URL rule's endpoint, by blueprint: the roles that may open it at all. A request to an
# endpoint missing here is refused (and tests/views/test_authorisation_walk.py fails).
ENDPOINTS: dict[str, EndpointRule] = {
    "static": PUBLIC,
    # main, auth
    "main.healthz": PUBLIC,
    "main.set_language": PUBLIC,
    "main.index": SIGNED_IN,
    "main.session_status": SIGNED_IN,
    "main.stay_signed_in": SIGNED_IN,
    "auth.login": PUBLIC,
    "auth.logout": SIGNED_IN,
    "auth.change_password": SIGNED_IN,
    # cases
    "cases.list_cases": SIGNED_IN,
    "cases.new_case": roles(*DESK_ROLES),
    "cases.nik_check": roles(*DESK_ROLES),
    "cases.regions_select": roles(*DESK_ROLES),
    "cases.detail": SIGNED_IN,
    "cases.assign": roles(ADMIN, SUPERVISOR),
    "cases.add_event": roles(*DESK_ROLES),
    "cases.request_closure": roles(ADMIN, SUPERVISOR, STAFF),
    "cases.take": roles(STAFF),
    "cases.approve_closure": roles(ADMIN, SUPERVISOR),
    "cases.reopen": roles(ADMIN, SUPERVISOR),
    "cases.attachment": SIGNED_IN,
    "cases.reveal_nik": roles(ADMIN, SUPERVISOR, STAFF),
    "cases.transfer": roles(ADMIN, SUPERVISOR),
    "cases.transfers": roles(ADMIN, VIEWER, SUPERVISOR),
    "cases.transfer_review": roles(ADMIN, VIEWER, SUPERVISOR),
    "cases.workload": roles(ADMIN, SUPERVISOR),
    "cases.bulk_assign": roles(ADMIN, SUPERVISOR),
    "cases.save_filter": SIGNED_IN,
    "cases.delete_filter": SIGNED_IN,
    "cases.edit_case": roles(*DESK_ROLES),  # interns: house data of their assigned cases only
    # applicants
    "applicants.detail": SIGNED_IN,
    "applicants.edit": roles(ADMIN, SUPERVISOR, STAFF),
    "applicants.duplicates": roles(ADMIN, SUPERVISOR),
    "applicants.merge": roles(ADMIN, SUPERVISOR),
    "applicants.unmerge": roles(ADMIN),
    "applicants.reveal_nik": roles(ADMIN, SUPERVISOR, STAFF),
    # outreach sessions and groups
    "outreach.index": SIGNED_IN,
    "outreach.new_session": roles(ADMIN, SUPERVISOR, STAFF),
    "outreach.session_detail": SIGNED_IN,
    "outreach.edit_session": roles(ADMIN, SUPERVISOR, STAFF),
    "outreach.session_intake": roles(*DESK_ROLES),
    "outreach.add_photo": roles(ADMIN, SUPERVISOR, STAFF),
    "outreach.photo": SIGNED_IN,
    "outreach.groups": SIGNED_IN,
    "outreach.new_group": roles(*DESK_ROLES),
    "outreach.group_detail": SIGNED_IN,
    "outreach.add_member": roles(ADMIN, SUPERVISOR, STAFF),
    "outreach.paste_members": roles(ADMIN, SUPERVISOR, STAFF),
    "outreach.edit_member": roles(ADMIN, SUPERVISOR, STAFF),
    "outreach.remove_member": roles(ADMIN, SUPERVISOR, STAFF),
    "outreach.new_group_case": roles(*DESK_ROLES),
    # intern logbook: staff have no logbook
    "worklog.index": roles(ADMIN, VIEWER, SUPERVISOR, INTERN),
    "worklog.intern_logbook": roles(ADMIN, VIEWER, SUPERVISOR, INTERN),
    "worklog.add_entry": roles(INTERN),
    "worklog.edit_entry": roles(INTERN),
    "worklog.delete_entry": roles(INTERN),
    "worklog.submit_week": roles(INTERN),
    "worklog.review_week": roles(ADMIN, SUPERVISOR),
    "worklog.placements": roles(ADMIN, VIEWER, SUPERVISOR),
    "worklog.new_placement": roles(ADMIN, SUPERVISOR),
    "worklog.edit_placement": roles(ADMIN, SUPERVISOR),
    "worklog.print_logbook": roles(ADMIN, VIEWER, SUPERVISOR, INTERN),
    "worklog.export_logbook": roles(ADMIN, VIEWER, SUPERVISOR, INTERN),
    # surveys: answered without an account; the case page's panel follows the case's scope
    "surveys.answer": PUBLIC,
    "surveys.kiosk": PUBLIC,
    "surveys.thanks": PUBLIC,
    "surveys.invite": roles(*DESK_ROLES),
    "surveys.case_panel": SIGNED_IN,
    # reports
    "reports.index": roles(ADMIN, VIEWER, SUPERVISOR, STAFF),
    "reports.tile": roles(ADMIN, VIEWER, SUPERVISOR, STAFF),
    "reports.ranking": roles(ADMIN, VIEWER),
    "reports.export_cases": roles(ADMIN, VIEWER, SUPERVISOR, STAFF, INTERN),
    "reports.export_cases_full_nik": roles(ADMIN, SUPERVISOR, STAFF),  # audited reveal of NIKs
    "reports.export_jobs": roles(ADMIN, VIEWER, SUPERVISOR, STAFF, INTERN),  # the requester's own only
    "reports.export_job_file": roles(ADMIN, VIEWER, SUPERVISOR, STAFF, INTERN),
    "reports.export_evaluation": roles(ADMIN, VIEWER, SUPERVISOR, STAFF),
    "reports.service_levels": roles(ADMIN, VIEWER, SUPERVISOR, STAFF),
    "reports.edit_service_level": roles(ADMIN),
    "reports.targets": roles(ADMIN, VIEWER, SUPERVISOR),
    "reports.edit_target": roles(ADMIN),
    # notifications
    "notifications.index": SIGNED_IN,
    "notifications.count": SIGNED_IN,
    "notifications.mark_read": SIGNED_IN,
    "notifications.daily_reminders": roles(ADMIN, SUPERVISOR),  # daily digests to hand over
    # administration
    "admin.index": roles(ADMIN, SUPERVISOR),
    "admin.units": roles(ADMIN),
    "admin.unit_new": roles(ADMIN),
    "admin.unit_edit": roles(ADMIN),
    "admin.users": roles(ADMIN, SUPERVISOR),
    "admin.user_new": roles(ADMIN, SUPERVISOR),
    "admin.user_edit": roles(ADMIN, SUPERVISOR),
    "admin.user_active": roles(ADMIN, SUPERVISOR),
    "admin.user_reset_password": roles(ADMIN, SUPERVISOR),
    "admin.user_end_sessions": roles(ADMIN, SUPERVISOR),
    "admin.work_calendar": roles(ADMIN),
    "admin.reference": roles(ADMIN),
    "admin.audit": roles(ADMIN),
    # performance: the measuring floor, registered only when KRS_BENCH=1
    "perf.floor": PUBLIC,
    # ---- issue 16 (h16a): receipts, public status page, referrals, letterhead logo ----
    "cases.receipt": roles(*DESK_ROLES),
    "cases.revoke_status_link": roles(*DESK_ROLES),
    "public.status": PUBLIC,  # the receipt's QR: status and next step only, rate-limited
    "admin.unit_logo": SIGNED_IN,  # the letterhead logo holds no personal data
    "referrals.waiting": SIGNED_IN,
    "referrals.case_panel": SIGNED_IN,
    "referrals.new_referral": roles(*DESK_ROLES),
    "referrals.detail": SIGNED_IN,
    "referrals.answer": roles(*DESK_ROLES),
    "referrals.letter": roles(*DESK_ROLES),
    "referrals.tile": roles(ADMIN, VIEWER, SUPERVISOR, STAFF),
    "referrals.agencies": roles(ADMIN),
    "referrals.edit_agency": roles(ADMIN),
    # ---- issue 16 (h16v): field visits — photo thumbnails, the visit report (berita acara) ----
    "cases.attachment_thumbnail": SIGNED_IN,  # follows cases.attachment: the case's scope, no KTP
    "cases.visit_report": roles(*DESK_ROLES),  # a PII document: never the read-only viewer
    # ---- issue 18 (h18b): price lists, AHSP work items, RAB builder, aid ceilings ----
    "rab.price_lists": SIGNED_IN,
    "rab.new_price_list": roles(ADMIN, SUPERVISOR),
    "rab.price_list": SIGNED_IN,
    "rab.edit_price_item": roles(ADMIN, SUPERVISOR),
    "rab.import_prices": roles(ADMIN, SUPERVISOR),
    "rab.copy_price_list": roles(ADMIN, SUPERVISOR),
    "rab.work_items": SIGNED_IN,
    "rab.work_item": SIGNED_IN,
    "rab.edit_work_item": roles(ADMIN),
    "rab.ceilings": roles(ADMIN),
    "rab.case_rabs": SIGNED_IN,
    "rab.new_rab": roles(*DESK_ROLES),
    "rab.detail": SIGNED_IN,
    "rab.add_lines": roles(*DESK_ROLES),
    "rab.edit_line": roles(*DESK_ROLES),
    "rab.settings": roles(*DESK_ROLES),
    "rab.hand_over": roles(*DESK_ROLES),
    "rab.new_version": roles(*DESK_ROLES),
    "rab.print_rab": roles(*DESK_ROLES),
    "rab.export_xlsx": roles(*DESK_ROLES),
    # ---- issue 16 (h16i): importing an office's backlog from Excel ----
    "imports.index": roles(ADMIN, SUPERVISOR),
    "imports.upload": roles(ADMIN, SUPERVISOR),
    "imports.detail": roles(ADMIN, SUPERVISOR),
    "imports.mapping": roles(ADMIN, SUPERVISOR),
    "imports.confirm": roles(ADMIN, SUPERVISOR),
    "imports.undo": roles(ADMIN),
    # ---- issue 18 (h18a): the design library; hand-outs from the case page ----
    "designs.index": SIGNED_IN,
    "designs.detail": SIGNED_IN,
    "designs.file": SIGNED_IN,
    "designs.new_design": roles(ADMIN, SUPERVISOR),
    "designs.edit_design": roles(ADMIN, SUPERVISOR),
    "designs.add_line": roles(ADMIN, SUPERVISOR),
    "designs.remove_line": roles(ADMIN, SUPERVISOR),
    "designs.add_file": roles(ADMIN, SUPERVISOR),
    "designs.remove_file": roles(ADMIN, SUPERVISOR),
    "designs.case_panel": SIGNED_IN,  # the case page's panel: the case's scope
    "designs.hand_out": roles(*DESK_ROLES),
    "reports.designs_tile": roles(ADMIN, VIEWER, SUPERVISOR, STAFF),
    # ---- issue 19 (h19b): construction accompaniment ----
    "accompaniment.case_panel": SIGNED_IN,  # the case page's panel: the case's scope
    "accompaniment.start": roles(*DESK_ROLES),
    "accompaniment.record_visit": roles(*DESK_ROLES),
    "accompaniment.report": SIGNED_IN,  # the stage report; viewers read it with personal data masked
    "accompaniment.overdue": SIGNED_IN,  # the home page's worklist piece
    "accompaniment.settings": roles(ADMIN),
    "accompaniment.edit_stage": roles(ADMIN),
    "accompaniment.edit_item": roles(ADMIN),
    # ---- issue 19 (h19a): livability assessments (RTLH) and programme pre-checks ----
    "assessments.case_panel": SIGNED_IN,
    "assessments.new_assessment": roles(*DESK_ROLES),
    "assessments.detail": SIGNED_IN,
    "assessments.new_precheck": roles(*DESK_ROLES),
    "assessments.precheck_detail": SIGNED_IN,
    "assessments.criteria": roles(ADMIN),
    "assessments.programme_criteria": roles(ADMIN),
    "assessments.edit_programme_criterion": roles(ADMIN),
}


def rule_for(endpoint: str | None) -> EndpointRule | None:
    return ENDPOINTS.get(endpoint or "")


def can_open_endpoint(user, endpoint: str) -> bool:
    """For navigation: whether the user's role may open an endpoint at all."""
    rule = rule_for(endpoint)
    if rule is None:
        return False
    if rule.public:
        return True
    return bool(user and user.is_authenticated and user.role in rule.roles)


# ================================================================ general: roles, national scope


def is_national(user: User) -> bool:
    """The Direktorat's roles reach every unit's records (and see the unit they belong to)."""
    return user.role in (ADMIN, VIEWER)


def works_unit_desk(user: User) -> bool:
    """Supervisors, staff and interns work their unit's cases (and get its reminders)."""
    return user.role in UNIT_DESK_ROLES


def works_own_cases(user: User) -> bool:
    """Staff and interns start from the cases assigned to them (home page, case list)."""
    return user.role in (STAFF, INTERN)


def default_case_view(user: User) -> str:
    """The case list a role opens first: its own cases, the unit's unassigned ones, or all."""
    if works_own_cases(user):
        return "mine"
    if user.role == SUPERVISOR:
        return "unassigned"
    return "all"


def units_visible_to(user: User) -> list[Unit]:
    stmt = select(Unit).where(Unit.kind != "direktorat").order_by(Unit.name)
    if not is_national(user):
        stmt = stmt.where(Unit.id == user.unit_id)
    return list(db.session.scalars(stmt))


def _load_or_404(stmt, check=None, user: User | None = None):
    """The one way a loader denies: 404, whether the record is out of scope or the check says no."""
    found = db.session.execute(stmt).scalar_one_or_none()
    if found is None or (check is not None and not check(user, found)):
        abort(404)
    return found


# ================================================================ cases
# admin: all units; viewer: all units, personal data masked; supervisor and staff: own unit;
# intern: the cases assigned to them or recorded by them (a case they take in stays in view).


def cases_visible_to(user: User) -> Select:
    stmt = select(Case)
    scope = case_scope_filter(user)
    return stmt if scope is None else stmt.where(scope)


def case_scope_filter(user: User):
    """The same scope as `cases_visible_to`, as a WHERE clause (or None for all)."""
    if is_national(user):
        return None
    if user.role == INTERN:
        return or_(Case.assignee_id == user.id, Case.created_by_id == user.id)
    return Case.unit_id == user.unit_id


def _scoped_by_case(stmt: Select, user: User, case_id_column) -> Select:
    """`stmt` joined to the case its rows belong to (`case_id_column` names it) and kept to the
    cases the user sees: a case's referrals, RABs, accompaniment, assessments, ... follow the case."""
    stmt = stmt.join(Case, case_id_column == Case.id)
    scope = case_scope_filter(user)
    return stmt if scope is None else stmt.where(scope)


def can_view_case(user: User, case: Case | None) -> bool:
    if case is None:
        return False
    if is_national(user):
        return True
    if user.role == INTERN:
        return case.assignee_id == user.id or case.created_by_id == user.id
    return case.unit_id == user.unit_id


def can_intake_case(user: User, unit_id: int | None) -> bool:
    """Take in a new case for a unit."""
    if user.role == ADMIN:
        return True
    return works_unit_desk(user) and unit_id == user.unit_id


def _supervises(user: User, case: Case) -> bool:
    return user.role == ADMIN or (user.role == SUPERVISOR and case.unit_id == user.unit_id)


def can_assign_case(user: User, case: Case) -> bool:
    return _supervises(user, case)


def can_transfer_case(user: User, case: Case) -> bool:
    return _supervises(user, case)


def can_approve_closure(user: User, case: Case) -> bool:
    return _supervises(user, case)


def can_reopen_case(user: User, case: Case) -> bool:
    return _supervises(user, case)


def can_follow_up_case(user: User, case: Case) -> bool:
    if user.role == ADMIN:
        return True
    if user.role in (SUPERVISOR, STAFF):
        return case.unit_id == user.unit_id
    return user.role == INTERN and case.assignee_id == user.id


def can_attach_to_case(user: User, case: Case) -> bool:
    return can_follow_up_case(user, case)


def can_request_closure(user: User, case: Case) -> bool:
    return user.role == ADMIN or (user.role in (SUPERVISOR, STAFF) and case.unit_id == user.unit_id)


def can_take_case(user: User, case: Case) -> bool:
    """Work needs an owner (DESIGN.md §4): staff take an unassigned case of their office
    ("Ambil kasus"); supervisors assign instead."""
    return user.role == STAFF and case.unit_id == user.unit_id and case.assignee_id is None


def can_reveal_nik(user: User, case: Case) -> bool:
    """The full NIK, shown on request and audited (never to the roles that see personal data masked)."""
    return can_see_pii(user) and can_request_closure(user, case)


def can_approve_closures(user: User) -> bool:
    """Whether the user approves closures at all (the home page's closure queue)."""
    return user.role in (ADMIN, SUPERVISOR)


def can_see_unassigned_cases(user: User) -> bool:
    """Interns see only the cases assigned to them: no 'unassigned' view or tile."""
    return user.role != INTERN


# the action names a loader, a service or the case page's buttons ask about
CASE_CHECKS = {
    "view": can_view_case,
    "assign": can_assign_case,
    "transfer": can_transfer_case,
    "approve_closure": can_approve_closure,
    "reopen": can_reopen_case,
    "follow_up": can_follow_up_case,
    "attach": can_attach_to_case,
    "request_closure": can_request_closure,
    "reveal_nik": can_reveal_nik,
    "take": can_take_case,
}


# Corrections (issue 14). Staff, supervisors and admins correct a case of the office; an intern,
# whose right on a case is the follow-up of one assigned to them (§5), corrects its house data only
# (they are the ones who go to the house).
def can_edit_case(user: User, case: Case) -> bool:
    return can_request_closure(user, case)


def can_edit_case_house(user: User, case: Case) -> bool:
    return can_edit_case(user, case) or (user.role == INTERN and case.assignee_id == user.id)


CASE_CHECKS["edit"] = can_edit_case
CASE_CHECKS["edit_house"] = can_edit_case_house


def get_case_or_404(user: User, case_id: int, action: str = "view", load=()) -> Case:
    """A case the user may see and act on as `action` (a CASE_CHECKS name); 404 otherwise.
    `load`: loader options for what the caller shows with it (the case page: its applicant)."""
    stmt = cases_visible_to(user).where(Case.id == case_id)
    return _load_or_404(stmt.options(*load) if load else stmt, CASE_CHECKS[action], user)


def units_for_intake(user: User) -> list[Unit]:
    stmt = select(Unit).where(Unit.active.is_(True), Unit.kind != "direktorat").order_by(Unit.name)
    if user.role == ADMIN:
        return list(db.session.scalars(stmt))
    if works_unit_desk(user):
        return list(db.session.scalars(stmt.where(Unit.id == user.unit_id)))
    return []


def assignable_users(user: User, case: Case) -> list[User]:
    if not can_assign_case(user, case):
        return []
    stmt = (
        select(User)
        .where(User.unit_id == case.unit_id, User.active.is_(True), User.role.in_(UNIT_DESK_ROLES))
        .order_by(User.full_name)
    )
    return list(db.session.scalars(stmt))


def assignee_filter_choices(user: User) -> list[User]:
    """People whose cases the user may filter by (their unit's desk, or everyone for the Direktorat)."""
    if user.role == INTERN:
        return [user]
    stmt = select(User).where(User.role.in_(UNIT_DESK_ROLES)).order_by(User.full_name)
    if not is_national(user):
        stmt = stmt.where(User.unit_id == user.unit_id)
    return list(db.session.scalars(stmt))


# ================================================================ applicants and personal data
# An applicant is visible through a visible case, or to the unit that recorded it. NIK, phone and
# address are masked for interns and viewers; an intern sees the phone and address (never the
# NIK) of a case assigned to them: they go out to the house (DESIGN.md §5).


def applicants_visible_to(user: User) -> Select:
    stmt = select(Applicant)
    if is_national(user):
        return stmt
    case_clause = exists().where(Case.applicant_id == Applicant.id)
    scope = case_scope_filter(user)
    if scope is not None:
        case_clause = case_clause.where(scope)
    if user.role == INTERN:
        return stmt.where(case_clause)
    return stmt.where(or_(case_clause, Applicant.created_by_unit_id == user.unit_id))


def can_view_applicant(user: User, applicant: Applicant) -> bool:
    stmt = applicants_visible_to(user).where(Applicant.id == applicant.id)
    return db.session.execute(stmt).first() is not None


def get_applicant_or_404(user: User, applicant_id: int) -> Applicant:
    return _load_or_404(applicants_visible_to(user).where(Applicant.id == applicant_id))


def cases_of_applicant_visible_to(user: User, applicant: Applicant) -> Select:
    return cases_visible_to(user).where(Case.applicant_id == applicant.id)


def can_edit_applicant(user: User, applicant: Applicant) -> bool:
    """Correct an individual applicant of one's office (admins: any office)."""
    if applicant.kind != "individual" or user.role not in (ADMIN, SUPERVISOR, STAFF):
        return False
    return user.role == ADMIN or applicant.created_by_unit_id == user.unit_id


def can_merge_applicants(user: User, office_id: int | None = None) -> bool:
    """Merge two records of one person: the office's supervisor, or an admin."""
    if user.role == ADMIN:
        return True
    return user.role == SUPERVISOR and (office_id is None or office_id == user.unit_id)


def can_unmerge_applicants(user: User) -> bool:
    """Undo a merge: admins only."""
    return user.role == ADMIN


def get_editable_applicant_or_404(user: User, applicant_id: int) -> Applicant:
    return _load_or_404(
        applicants_visible_to(user).where(Applicant.id == applicant_id), can_edit_applicant, user
    )


def get_mergeable_applicant_or_404(user: User, applicant_id: int) -> Applicant:
    return _load_or_404(
        applicants_visible_to(user).where(Applicant.id == applicant_id),
        lambda u, a: a.kind == "individual" and can_merge_applicants(u, a.created_by_unit_id),
        user,
    )


def can_see_pii(user: User) -> bool:
    """NIK, phone and address in full (the NIK still behind an audited reveal on the case page)."""
    return user.role not in (INTERN, VIEWER)


def can_search_pii(user: User) -> bool:
    """Interns and viewers cannot probe NIKs or phone numbers through search."""
    return can_see_pii(user)


def can_see_case_contact(user: User, case: Case | None) -> bool:
    """Phone and address in full on this case: the roles that see personal data, and the intern
    the case is assigned to (never the NIK)."""
    if can_see_pii(user):
        return True
    return user.role == INTERN and case is not None and case.assignee_id == user.id


def can_see_phone(user: User, case: Case | None = None) -> bool:
    """The WhatsApp hand-off needs the number unmasked."""
    return can_see_case_contact(user, case)


def mask_middle(value: str | None, keep_start: int, keep_end: int) -> str:
    if not value:
        return ""
    if len(value) <= keep_start + keep_end:
        return "•" * len(value)
    return value[:keep_start] + "•" * (len(value) - keep_start - keep_end) + value[-keep_end:]


def shown_nik(user: User, applicant: Applicant) -> str:
    return shown_nik_value(user, applicant.nik)


def shown_nik_value(user: User, nik: str | None) -> str:
    """Any NIK (an applicant, a group's contact person, a member, a session attendee) as pages and
    exports show it: masked for every role (DESIGN.md section 5). Roles that may see it reveal it
    with an audited action: `can_reveal_nik` (case page), `can_reveal_applicant_nik`,
    `can_export_full_nik`."""
    if not nik:
        return ""
    return mask_middle(nik, 4, 2)  # for everyone: the full NIK only through an audited reveal


def can_reveal_applicant_nik(user: User, applicant: Applicant) -> bool:
    """The full NIK on the applicant page (the applicant is already in scope: its loader)."""
    return can_see_pii(user) and bool(applicant.nik)


def can_export_full_nik(user: User) -> bool:
    """A case-list export with full NIKs, asked for explicitly and written to the audit log."""
    return can_see_pii(user)


def can_open_attachment(user: User, attachment: Attachment) -> bool:
    """A file of a case in scope (its loader); identity documents (KTP/KK scans carry the NIK) only
    for the roles that may see personal data, never viewers or interns."""
    return attachment.kind != AttachmentKind.IDENTITY or can_see_pii(user)


def shown_phone(user: User, applicant: Applicant, case: Case | None = None) -> str:
    """The applicant's phone; `case`: the case it is shown on (an intern's own case shows it)."""
    if applicant.phone and case is not None and can_see_case_contact(user, case):
        return applicant.phone
    return shown_phone_value(user, applicant.phone)


def shown_phone_value(user: User, phone: str | None) -> str:
    """A phone number read as a plain column (the case-list export), masked like an applicant's."""
    if not phone:
        return ""
    return phone if can_see_pii(user) else mask_middle(phone, 4, 2)


def shown_address(user: User, applicant: Applicant, case: Case | None = None) -> str:
    """The street address; `case`: the case it is shown on (an intern's own case shows it)."""
    if not applicant.address:
        return ""
    return applicant.address if can_see_case_contact(user, case) else "•••"


# ================================================================ outreach and groups
# Sessions: the Direktorat sees all, a unit's supervisors and staff see their unit's, an intern
# sees the sessions they were present at. Groups are applicants: the applicant scope applies.


def can_see_attendee_names(user: User) -> bool:
    """Names beside a session's attendee NIKs: not for interns, who see only their own cases'
    households (an attendee is a household that may have a case the intern may not see)."""
    return user.role != INTERN


def sessions_visible_to(user: User) -> Select:
    stmt = select(OutreachSession)
    if is_national(user):
        return stmt
    if user.role == INTERN:
        present = exists().where(
            session_staff.c.session_id == OutreachSession.id, session_staff.c.user_id == user.id
        )
        return stmt.where(present)
    return stmt.where(OutreachSession.unit_id == user.unit_id)


def can_edit_session(user: User, session) -> bool:
    """Record or edit a unit's session (anything with a `unit_id`)."""
    return user.role == ADMIN or (user.role in (SUPERVISOR, STAFF) and session.unit_id == user.unit_id)


def can_intake_at_session(user: User, session) -> bool:
    return can_intake_case(user, session.unit_id)


SESSION_CHECKS = {
    "view": lambda user, session: True,  # loaded through the scope
    "edit": can_edit_session,
    "intake": can_intake_at_session,
}


def get_session_or_404(user: User, session_id: int, action: str = "view") -> OutreachSession:
    stmt = sessions_visible_to(user).where(OutreachSession.id == session_id)
    return _load_or_404(stmt, SESSION_CHECKS[action], user)


def units_for_sessions(user: User) -> list[Unit]:
    """Units a user may record outreach sessions for."""
    if user.role not in (ADMIN, SUPERVISOR, STAFF):
        return []
    return units_for_intake(user)


def session_staff_choices(unit_id: int) -> list[User]:
    """Who may be recorded as present at a unit's session: its active desk people."""
    stmt = (
        select(User)
        .where(User.unit_id == unit_id, User.active.is_(True), User.role.in_(UNIT_DESK_ROLES))
        .order_by(User.full_name)
    )
    return list(db.session.scalars(stmt))


def groups_visible_to(user: User) -> Select:
    return applicants_visible_to(user).where(Applicant.kind == "group")


def can_edit_group(user: User, group: Applicant) -> bool:
    """Add members: the Direktorat's admins, or the desk of a unit that recorded or serves the group."""
    if user.role == ADMIN:
        return True
    if user.role not in (SUPERVISOR, STAFF):
        return False
    return group.created_by_unit_id == user.unit_id or bool(
        db.session.scalar(select(exists().where(Case.applicant_id == group.id, Case.unit_id == user.unit_id)))
    )


def can_intake_for_group(user: User, group: Applicant) -> bool:
    """Open a further case for a group."""
    return user.role in DESK_ROLES


GROUP_CHECKS = {
    "view": lambda user, group: True,  # loaded through the scope
    "edit": can_edit_group,
    "intake": can_intake_for_group,
}


def get_group_or_404(user: User, group_id: int, action: str = "view") -> Applicant:
    stmt = groups_visible_to(user).where(Applicant.id == group_id)
    return _load_or_404(stmt, GROUP_CHECKS[action], user)


# ================================================================ intern logbook
# intern: own entries only; supervisor: own unit's interns (reviews them); viewer: read all;
# admin: all; staff: no logbook.


def _logbook_user_scope(user: User, user_column):
    """A WHERE clause on a column holding an intern's user id; None means every intern."""
    if is_national(user):
        return None
    if user.role == INTERN:
        return user_column == user.id
    if user.role == SUPERVISOR:
        return user_column.in_(select(User.id).where(User.unit_id == user.unit_id))
    return false()  # staff: nothing


def _logbook_scoped(user: User, model, user_column) -> Select:
    stmt = select(model)
    scope = _logbook_user_scope(user, user_column)
    return stmt if scope is None else stmt.where(scope)


def interns_visible_to(user: User) -> Select:
    return _logbook_scoped(user, User, User.id).where(User.role == INTERN)


def worklog_entries_visible_to(user: User) -> Select:
    return _logbook_scoped(user, WorkLogEntry, WorkLogEntry.user_id)


def work_weeks_visible_to(user: User) -> Select:
    return _logbook_scoped(user, WorkWeek, WorkWeek.user_id)


def placements_visible_to(user: User) -> Select:
    return _logbook_scoped(user, Placement, Placement.user_id)


def can_view_logbook(user: User, intern: User | None) -> bool:
    return (
        intern is not None
        and db.session.execute(interns_visible_to(user).where(User.id == intern.id)).first() is not None
    )


def can_write_logbook(user: User, intern: User | None) -> bool:
    """Own entries, and submitting the week: only the intern themself."""
    return user.role == INTERN and intern is not None and intern.id == user.id


def can_review_logbook(user: User, intern: User | None = None) -> bool:
    """Sign off an intern's week (intern None: whether the user reviews logbooks at all)."""
    if user.role == ADMIN:
        return True
    return user.role == SUPERVISOR and (intern is None or intern.unit_id == user.unit_id)


def can_manage_placement(user: User, intern: User | None = None) -> bool:
    """Record or edit an intern's placement (intern None: whether the user manages any)."""
    return can_review_logbook(user, intern)


# loader checks take the record; they ask about the intern it belongs to
LOGBOOK_CHECKS = {
    "view": None,  # loaded through the scope
    "write": can_write_logbook,
    "review": can_review_logbook,
    "manage_placement": can_manage_placement,
}


def _logbook_check(action: str, intern_of):
    check = LOGBOOK_CHECKS[action]
    return None if check is None else (lambda user, record: check(user, intern_of(record)))


def get_intern_or_404(user: User, intern_id: int, action: str = "view") -> User:
    stmt = interns_visible_to(user).where(User.id == intern_id)
    return _load_or_404(stmt, _logbook_check(action, lambda u: u), user)


def get_worklog_entry_or_404(user: User, entry_id: int, action: str = "view") -> WorkLogEntry:
    stmt = worklog_entries_visible_to(user).where(WorkLogEntry.id == entry_id)
    return _load_or_404(stmt, _logbook_check(action, lambda e: e.intern), user)


def get_work_week_or_404(user: User, week_id: int, action: str = "view") -> WorkWeek:
    stmt = work_weeks_visible_to(user).where(WorkWeek.id == week_id)
    return _load_or_404(stmt, _logbook_check(action, lambda w: w.intern), user)


def get_placement_or_404(user: User, placement_id: int, action: str = "view") -> Placement:
    stmt = placements_visible_to(user).where(Placement.id == placement_id)
    return _load_or_404(stmt, _logbook_check(action, lambda p: p.intern), user)


def field_supervisors_for(user: User) -> list[User]:
    """Supervisors who may be named field supervisor on a placement this user manages."""
    stmt = select(User).where(User.role == SUPERVISOR, User.active.is_(True)).order_by(User.full_name)
    if user.role != ADMIN:
        stmt = stmt.where(User.unit_id == user.unit_id)
    return list(db.session.scalars(stmt))


# ================================================================ reports and surveys
# Reports: national for the Direktorat, own unit for supervisors and staff; interns none.


def _unit_scoped(user: User, model) -> Select:
    stmt = select(model)
    return stmt if is_national(user) else stmt.where(model.unit_id == user.unit_id)


def report_units_for(user: User) -> list[Unit]:
    """The offices whose figures the user may see: all for the Direktorat, their own for the desk."""
    if is_national(user):
        stmt = select(Unit).where(Unit.kind != "direktorat").order_by(Unit.name)
    elif user.role in (SUPERVISOR, STAFF):
        stmt = select(Unit).where(Unit.id == user.unit_id)
    else:
        return []
    return list(db.session.scalars(stmt))


def report_units_chosen(user: User, requested: list[str]) -> list[Unit]:
    """The units asked for (ids as strings) narrowed to the user's reach; none asked = all of them."""
    allowed = report_units_for(user)
    wanted = {int(v) for v in requested if str(v).isascii() and str(v).isdigit()}  # not "²"
    chosen = [u for u in allowed if u.id in wanted]
    return chosen or allowed


def surveys_visible_to(user: User) -> Select:
    return _unit_scoped(user, Survey)


def stats_visible_to(user: User, model) -> Select:
    """Rows of the maintained dashboard totals (StatDay / StatMonth): all units for the
    Direktorat, the user's own unit otherwise (they are only read for report users)."""
    return _unit_scoped(user, model)


def targets_visible_to(user: User) -> Select:
    return _unit_scoped(user, UnitTarget)


def can_edit_reference_data(user: User) -> bool:
    """Service levels and targets are set by the Direktorat's admins; others read them."""
    return user.role == ADMIN


def can_see_staff_names(user: User) -> bool:
    """Viewers see aggregates without personal data: usage per staff member is anonymised."""
    return user.role != VIEWER


def can_invite_survey(user: User, case: Case) -> bool:
    """The desk that served a closed case may hand the applicant the IKM survey."""
    if case.status != "closed":
        return False
    return can_follow_up_case(user, case)


# ================================================================ transfers and workload


def transfers_visible_to(user: User) -> Select:
    """Transfers the user may see: the Direktorat all; a supervisor those leaving or entering their unit."""
    stmt = select(CaseTransfer)
    if is_national(user):
        return stmt
    if user.role == SUPERVISOR:
        return stmt.where(
            or_(CaseTransfer.from_unit_id == user.unit_id, CaseTransfer.to_unit_id == user.unit_id)
        )
    return stmt.where(false())


def get_transfer_or_404(user: User, transfer_id: int) -> CaseTransfer:
    return _load_or_404(transfers_visible_to(user).where(CaseTransfer.id == transfer_id))


def can_decide_transfer(user: User, transfer: CaseTransfer) -> bool:
    """Only the receiving side decides: its supervisor, or an admin."""
    return user.role == ADMIN or (user.role == SUPERVISOR and transfer.to_unit_id == user.unit_id)


def can_see_transferred_case(user: User, transfer: CaseTransfer) -> bool:
    """The case behind a transfer (applicant, status, description): the Direktorat, the office that
    holds the case now, and the receiving office while it decides. After acceptance the office that
    gave the case away sees only the transfer record (number, dates, decision)."""
    if is_national(user):
        return True
    if transfer.case.unit_id == user.unit_id:
        return True
    return transfer.is_pending and transfer.to_unit_id == user.unit_id


def transfer_target_units(user: User, case: Case) -> list[Unit]:
    if not can_transfer_case(user, case):
        return []
    stmt = (
        select(Unit)
        .where(Unit.active.is_(True), Unit.kind != "direktorat", Unit.id != case.unit_id)
        .order_by(Unit.name)
    )
    return list(db.session.scalars(stmt))


def workload_people(user: User) -> Select:
    """The desk people whose workload the user oversees: own unit for a supervisor, all for an admin."""
    stmt = select(User).where(User.active.is_(True), User.role.in_(UNIT_DESK_ROLES))
    if user.role == ADMIN:
        return stmt
    if user.role == SUPERVISOR:
        return stmt.where(User.unit_id == user.unit_id)
    return stmt.where(false())


def bulk_assignees(user: User) -> list[User]:
    """People a bulk assignment may go to (each case still checks the assignee's unit)."""
    return list(db.session.scalars(workload_people(user).order_by(User.full_name)))


# ================================================================ administration


def users_manageable_by(user: User) -> Select:
    """Accounts the user administers: all for an admin; a supervisor their unit's staff and interns."""
    stmt = select(User)
    if user.role == ADMIN:
        return stmt
    if user.role == SUPERVISOR:
        return stmt.where(User.unit_id == user.unit_id, User.role.in_([STAFF, INTERN]))
    return stmt.where(false())


def get_managed_user_or_404(user: User, user_id: int) -> User:
    return _load_or_404(users_manageable_by(user).where(User.id == user_id))


def can_manage_all_users(user: User) -> bool:
    """Every account of every unit (a supervisor manages their unit's staff and interns)."""
    return user.role == ADMIN


def roles_assignable_by(user: User) -> list[Role]:
    if user.role == ADMIN:
        return list(Role)
    if user.role == SUPERVISOR:
        return [STAFF, INTERN]
    return []


def units_assignable_by(user: User) -> list[Unit]:
    stmt = select(Unit).where(Unit.active.is_(True)).order_by(Unit.name)
    if user.role == ADMIN:
        return list(db.session.scalars(stmt))
    if user.role == SUPERVISOR:
        return list(db.session.scalars(stmt.where(Unit.id == user.unit_id)))
    return []


# ---------------------------------------------------------------- daily reminders (issue 16)


def reminder_units_visible_to(user: User) -> list[Unit]:
    """Units whose desk's daily digests the user may read and hand over: an admin every active
    office with a desk, a supervisor their own unit, nobody else."""
    if user.role == ADMIN:
        return list(
            db.session.scalars(
                select(Unit).where(Unit.active.is_(True), Unit.kind != "direktorat").order_by(Unit.name)
            )
        )
    if user.role == SUPERVISOR:
        return [user.unit]
    return []


# ================================================================ referrals and receipts
# A referral is seen by whoever sees its case (so it follows a transferred case); it is written and
# answered by those who may follow the case up. Receipts and status links: the same desk.


def referrals_visible_to(user: User) -> Select:
    return _scoped_by_case(select(Referral), user, Referral.case_id)


def can_view_referrals(user: User, case: Case) -> bool:
    return can_view_case(user, case)


def can_write_referral(user: User, case: Case) -> bool:
    """A new referral, an answer, the letter: on a case the user may follow up."""
    return user.role in DESK_ROLES and can_follow_up_case(user, case)


def get_referral_or_404(user: User, referral_id: int, action: str = "view"):
    referral = _load_or_404(referrals_visible_to(user).where(Referral.id == referral_id))
    if action == "write" and not can_write_referral(user, referral.case):
        abort(404)
    return referral


def referral_signers(case: Case) -> list[User]:
    """Who may sign a referral letter of the case: its office's active supervisors and staff."""
    stmt = (
        select(User)
        .where(User.unit_id == case.unit_id, User.active.is_(True), User.role.in_([SUPERVISOR, STAFF]))
        .order_by(User.role, User.full_name)
    )
    return list(db.session.scalars(stmt))


def can_print_receipt(user: User, case: Case) -> bool:
    """The intake receipt and its status link (print, revoke): the desk that follows the case up."""
    return user.role in DESK_ROLES and can_follow_up_case(user, case)


# ================================================================ field visits (issue 16, h16v)
# A visit's photos follow the case's attachments (the case's scope; identity documents never for
# viewers or interns). The visit report (berita acara) is a desk document with the applicant's
# name and address: for the desk roles on a case they see, the address shown as `shown_address`.


def get_case_attachment_or_404(user: User, case: Case, attachment_id: int) -> Attachment:
    """A file of `case` (already loaded through get_case_or_404) that the user may open."""
    return _load_or_404(
        select(Attachment).where(Attachment.id == attachment_id, Attachment.case_id == case.id),
        can_open_attachment,
        user,
    )


def can_print_visit_report(user: User, case: Case) -> bool:
    return user.role in DESK_ROLES and can_view_case(user, case)


def get_field_visit_or_404(user: User, case: Case, event_id: int) -> Event:
    """A field-visit follow-up of `case` whose report the user may print."""
    return _load_or_404(
        select(Event).where(
            Event.id == event_id, Event.case_id == case.id, Event.kind == EventKind.FIELD_VISIT
        ),
        lambda u, _event: can_print_visit_report(u, case),
        user,
    )


# ================================================================ price lists, work items, RAB (issue 18)
# Price lists: the Direktorat all (admin edits any); an office's desk reads its own office's lists,
# its supervisor edits them. Work items: everyone reads, admins edit. A RAB follows its case: seen
# by whoever sees the case, built (while a draft) by whoever may record follow-ups on it.


def price_lists_visible_to(user: User) -> Select:
    return _unit_scoped(user, PriceList)


def can_create_price_list(user: User) -> bool:
    return user.role in (ADMIN, SUPERVISOR)


def can_edit_price_list(user: User, price_list: PriceList) -> bool:
    return user.role == ADMIN or (user.role == SUPERVISOR and price_list.unit_id == user.unit_id)


PRICE_LIST_CHECKS = {"view": None, "edit": can_edit_price_list}


def get_price_list_or_404(user: User, price_list_id: int, action: str = "view") -> PriceList:
    stmt = price_lists_visible_to(user).where(PriceList.id == price_list_id)
    return _load_or_404(stmt, PRICE_LIST_CHECKS[action], user)


def price_list_units_for(user: User) -> list[Unit]:
    """Offices a user may keep price lists for."""
    if user.role == ADMIN:
        return units_visible_to(user)
    if user.role == SUPERVISOR:
        return [user.unit]
    return []


def can_edit_work_items(user: User) -> bool:
    return user.role == ADMIN


def rabs_visible_to(user: User) -> Select:
    return _scoped_by_case(select(Rab), user, Rab.case_id)


def can_build_rab(user: User, case: Case) -> bool:
    """Start a RAB (or a new version) on a case: whoever may record follow-ups on it."""
    return user.role in DESK_ROLES and can_follow_up_case(user, case)


def can_edit_rab(user: User, rab: Rab) -> bool:
    """Change a RAB: only a draft (a handed-over RAB is frozen), by those who may build it."""
    return rab.status == RabStatus.DRAFT and can_build_rab(user, rab.case)


def can_print_rab(user: User, rab: Rab) -> bool:
    """The printed RAB and its XLSX carry the applicant's name: the desk of the case."""
    return can_build_rab(user, rab.case)


RAB_CHECKS = {
    "view": None,  # loaded through the case's scope
    "edit": can_edit_rab,
    "version": lambda user, rab: can_build_rab(user, rab.case),
    "print": can_print_rab,
}


def get_rab_or_404(user: User, rab_id: int, action: str = "view") -> Rab:
    return _load_or_404(rabs_visible_to(user).where(Rab.id == rab_id), RAB_CHECKS[action], user)


def price_lists_for_case(user: User, case: Case) -> Select:
    """The price lists a RAB of the case may use: those of the case's office."""
    return select(PriceList).where(PriceList.unit_id == case.unit_id)


# ================================================================ backlog imports (issue 16)
# A supervisor imports their own office's backlog; an admin any office's (choosing it) and is the
# only one who may undo an import. Staff, interns and viewers never see the imports.


def imports_visible_to(user: User) -> Select:
    stmt = select(ImportBatch)
    if user.role == ADMIN:
        return stmt
    if user.role == SUPERVISOR:
        return stmt.where(ImportBatch.unit_id == user.unit_id)
    return stmt.where(false())


def units_for_import(user: User) -> list[Unit]:
    """The offices whose backlog the user may import: an admin chooses any active office with a
    desk, a supervisor has their own."""
    if user.role == ADMIN:
        return list(
            db.session.scalars(
                select(Unit).where(Unit.active.is_(True), Unit.kind != "direktorat").order_by(Unit.name)
            )
        )
    if user.role == SUPERVISOR:
        return [user.unit]
    return []


def can_import_backlog(user: User, unit_id: int | None) -> bool:
    if user.role == ADMIN:
        return unit_id is not None
    return user.role == SUPERVISOR and unit_id == user.unit_id


def can_undo_import(user: User, batch: ImportBatch) -> bool:
    return user.role == ADMIN


IMPORT_CHECKS = {
    "view": lambda user, batch: True,
    "write": lambda user, batch: can_import_backlog(user, batch.unit_id),
    "undo": can_undo_import,
}


def get_import_or_404(user: User, batch_id: int, action: str = "view") -> ImportBatch:
    return _load_or_404(
        imports_visible_to(user).where(ImportBatch.id == batch_id), IMPORT_CHECKS[action], user
    )


# ================================================================ designs (issue 18)
# A design with no unit is national: every office sees it, only the Direktorat's admins keep it.
# An office design is seen by its office (and the Direktorat), kept by that office's supervisor
# (or an admin). Handing a design to a case is a follow-up: whoever may follow the case up may hand
# out a national design or one of the case's office, while the case is open.


def designs_visible_to(user: User) -> Select:
    stmt = select(Design)
    if is_national(user):
        return stmt
    return stmt.where(or_(Design.unit_id.is_(None), Design.unit_id == user.unit_id))


def can_create_design(user: User, unit_id: int | None) -> bool:
    """A new design: national (unit None) by an admin; an office's by its supervisor or an admin."""
    if user.role == ADMIN:
        return True
    return user.role == SUPERVISOR and unit_id is not None and unit_id == user.unit_id


def can_edit_design(user: User, design: Design) -> bool:
    return can_create_design(user, design.unit_id)


def design_units_for(user: User) -> list[Unit]:
    """The offices a user may create designs for (an admin: any office, or national)."""
    if user.role == ADMIN:
        return list(
            db.session.scalars(
                select(Unit).where(Unit.active.is_(True), Unit.kind != "direktorat").order_by(Unit.name)
            )
        )
    if user.role == SUPERVISOR:
        return [user.unit]
    return []


def can_hand_out_design(user: User, case: Case) -> bool:
    return user.role in DESK_ROLES and can_follow_up_case(user, case)


def can_use_design_on_case(design: Design, case: Case) -> bool:
    """Which designs a case may receive: active, national or of the case's own office."""
    return bool(design.active) and (design.unit_id is None or design.unit_id == case.unit_id)


def designs_for_case(case: Case) -> Select:
    return select(Design).where(
        Design.active.is_(True), or_(Design.unit_id.is_(None), Design.unit_id == case.unit_id)
    )


DESIGN_CHECKS = {
    "view": None,  # loaded through the scope
    "edit": can_edit_design,
}


def get_design_or_404(user: User, design_id: int, action: str = "view") -> Design:
    return _load_or_404(designs_visible_to(user).where(Design.id == design_id), DESIGN_CHECKS[action], user)


# ================================================================ construction accompaniment (issue 19)
# Follows its case: seen by whoever sees the case (viewers without personal data), started and
# recorded by those who may follow the case up (interns: cases assigned to them). The stages and
# the checklist are the Direktorat's reference data (admins).


def accompaniments_visible_to(user: User) -> Select:
    return _scoped_by_case(select(Accompaniment), user, Accompaniment.case_id)


def accompaniment_visits_visible_to(user: User) -> Select:
    stmt = select(AccompanimentVisit).join(
        Accompaniment, AccompanimentVisit.accompaniment_id == Accompaniment.id
    )
    return _scoped_by_case(stmt, user, Accompaniment.case_id)


def can_view_accompaniment(user: User, case: Case) -> bool:
    return can_view_case(user, case)


def can_record_accompaniment(user: User, case: Case) -> bool:
    """Start the accompaniment of a case, record a stage visit: on a case the user may follow up."""
    return user.role in DESK_ROLES and can_follow_up_case(user, case)


def can_edit_accompaniment_reference(user: User) -> bool:
    """The stages and the checklist of earthquake-safer details."""
    return user.role == ADMIN


def get_accompaniment_visit_or_404(user: User, visit_id: int) -> AccompanimentVisit:
    return _load_or_404(accompaniment_visits_visible_to(user).where(AccompanimentVisit.id == visit_id))


def accompaniment_officers(case: Case) -> list[User]:
    """Who may be recorded as the officer of a stage visit: the case's office's active desk people."""
    stmt = (
        select(User)
        .where(User.unit_id == case.unit_id, User.active.is_(True), User.role.in_(UNIT_DESK_ROLES))
        .order_by(User.full_name)
    )
    return list(db.session.scalars(stmt))


# ================================================================ assessments (issue 19, h19a)
# Livability assessments (RTLH) and programme pre-checks follow their case: seen by whoever sees
# the case (viewers too, without personal data: the pages show the case number, never the
# applicant's contact or NIK), made by those who may follow the case up (an intern: the cases
# assigned to them). The criteria are the Direktorat's reference data (admins).


def assessments_visible_to(user: User) -> Select:
    return _scoped_by_case(select(Assessment), user, Assessment.case_id)


def prechecks_visible_to(user: User) -> Select:
    return _scoped_by_case(select(PreCheck), user, PreCheck.case_id)


def can_assess_case(user: User, case: Case) -> bool:
    """A new assessment or pre-check: on a case the user may follow up."""
    return user.role in DESK_ROLES and can_follow_up_case(user, case)


def can_edit_assessment_criteria(user: User) -> bool:
    return user.role == ADMIN


CASE_CHECKS["assess"] = can_assess_case


def get_assessment_or_404(user: User, assessment_id: int) -> Assessment:
    return _load_or_404(assessments_visible_to(user).where(Assessment.id == assessment_id))


def get_precheck_or_404(user: User, precheck_id: int, action: str = "view") -> PreCheck:
    precheck = _load_or_404(prechecks_visible_to(user).where(PreCheck.id == precheck_id))
    if action == "refer" and not can_write_referral(user, precheck.case):
        abort(404)
    return precheck
