"""THE place for authorisation (DESIGN.md §5).

Three layers, all here:
1. ENDPOINTS: every URL rule's endpoint names the roles that may open it. A request to an
   endpoint missing from this table is refused (and tests/views/test_authorisation_walk.py fails).
2. Scoped queries: every list of cases or applicants starts from `cases_visible_to(user)` /
   `applicants_visible_to(user)`; single records load through `get_case_or_404`.
3. Object actions: `can(user, action, case)` answers who may assign, follow up, close, ...

Personal data (NIK, phone, address) is masked for interns and viewers through `masks_pii`.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import abort
from sqlalchemy import Select, exists, false, or_, select

from krs import models
from krs.extensions import db
from krs.models import (
    Applicant,
    Case,
    CaseTransfer,
    OutreachSession,
    Role,
    Survey,
    Unit,
    UnitTarget,
    User,
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


@dataclass(frozen=True)
class EndpointRule:
    public: bool = False
    roles: frozenset = ALL_ROLES


PUBLIC = EndpointRule(public=True)
SIGNED_IN = EndpointRule()


def roles(*allowed: Role) -> EndpointRule:
    return EndpointRule(roles=frozenset(allowed))


ENDPOINTS: dict[str, EndpointRule] = {
    "static": PUBLIC,
    "main.healthz": PUBLIC,
    "auth.login": PUBLIC,
    "auth.logout": SIGNED_IN,
    "auth.change_password": SIGNED_IN,
    "main.set_language": PUBLIC,
    "main.index": SIGNED_IN,
    "cases.list_cases": SIGNED_IN,
    "cases.new_case": roles(*DESK_ROLES),
    "cases.nik_check": roles(*DESK_ROLES),
    "cases.regions_select": roles(*DESK_ROLES),
    "cases.detail": SIGNED_IN,
    "cases.assign": roles(ADMIN, SUPERVISOR),
    "cases.add_event": roles(*DESK_ROLES),
    "cases.request_closure": roles(ADMIN, SUPERVISOR, STAFF),
    "cases.approve_closure": roles(ADMIN, SUPERVISOR),
    "cases.reopen": roles(ADMIN, SUPERVISOR),
    "cases.attachment": SIGNED_IN,
    # groups and outreach (krs/outreach)
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
    "outreach.new_group_case": roles(*DESK_ROLES),
    # intern logbook (krs/worklog): staff have no logbook
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
    # evaluation (issue 4): surveys are answered without an account; reports per DESIGN.md §5
    "surveys.answer": PUBLIC,
    "surveys.kiosk": PUBLIC,
    "surveys.thanks": PUBLIC,
    "surveys.invite": roles(*DESK_ROLES),
    "reports.index": roles(ADMIN, VIEWER, SUPERVISOR, STAFF),
    "reports.tile": roles(ADMIN, VIEWER, SUPERVISOR, STAFF),
    "reports.ranking": roles(ADMIN, VIEWER),
    "reports.export_cases": roles(ADMIN, VIEWER, SUPERVISOR, STAFF, INTERN),
    "reports.export_jobs": roles(ADMIN, VIEWER, SUPERVISOR, STAFF, INTERN),  # the requester's own only
    "reports.export_job_file": roles(ADMIN, VIEWER, SUPERVISOR, STAFF, INTERN),
    "reports.export_evaluation": roles(ADMIN, VIEWER, SUPERVISOR, STAFF),
    "reports.service_levels": roles(ADMIN, VIEWER, SUPERVISOR, STAFF),
    "reports.edit_service_level": roles(ADMIN),
    "reports.targets": roles(ADMIN, VIEWER, SUPERVISOR),
    "reports.edit_target": roles(ADMIN),
    # performance (issue 6): the measuring floor, registered only when KRS_BENCH=1
    "perf.floor": PUBLIC,
    "cases.reveal_nik": roles(ADMIN, SUPERVISOR, STAFF),
}


def rule_for(endpoint: str | None) -> EndpointRule | None:
    return ENDPOINTS.get(endpoint or "")


def may_open(user, endpoint: str) -> bool:
    """For navigation: whether the user's role may open an endpoint at all."""
    rule = rule_for(endpoint)
    if rule is None:
        return False
    if rule.public:
        return True
    return bool(user and user.is_authenticated and user.role in rule.roles)


# ---------------------------------------------------------------- scoped queries


def is_national(user: User) -> bool:
    return user.role in (ADMIN, VIEWER)


def cases_visible_to(user: User) -> Select:
    stmt = select(Case)
    if is_national(user):
        return stmt
    if user.role == INTERN:
        return stmt.where(Case.assignee_id == user.id)
    return stmt.where(Case.unit_id == user.unit_id)


def case_scope_filter(user: User):
    """The same scope as `cases_visible_to`, as a WHERE clause (or None for all)."""
    if is_national(user):
        return None
    if user.role == INTERN:
        return Case.assignee_id == user.id
    return Case.unit_id == user.unit_id


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


def visible_applicant(user: User, applicant_id: int) -> Applicant | None:
    stmt = applicants_visible_to(user).where(Applicant.id == applicant_id)
    return db.session.execute(stmt).scalar_one_or_none()


def get_case_or_404(user: User, case_id: int, action: str = "view") -> Case:
    """Load a case the user may see (404 otherwise) and may act on (403 otherwise)."""
    case = db.session.execute(cases_visible_to(user).where(Case.id == case_id)).scalar_one_or_none()
    if case is None:
        abort(404)
    if action != "view" and not can(user, action, case):
        abort(403)
    return case


def units_for_intake(user: User) -> list[Unit]:
    stmt = select(Unit).where(Unit.active.is_(True), Unit.kind != "direktorat").order_by(Unit.name)
    if user.role == ADMIN:
        return list(db.session.scalars(stmt))
    if user.role in (SUPERVISOR, STAFF, INTERN):
        return list(db.session.scalars(stmt.where(Unit.id == user.unit_id)))
    return []


def units_visible_to(user: User) -> list[Unit]:
    stmt = select(Unit).where(Unit.kind != "direktorat").order_by(Unit.name)
    if not is_national(user):
        stmt = stmt.where(Unit.id == user.unit_id)
    return list(db.session.scalars(stmt))


def assignable_users(user: User, case: Case) -> list[User]:
    if not can(user, "assign", case):
        return []
    stmt = (
        select(User)
        .where(
            User.unit_id == case.unit_id,
            User.active.is_(True),
            User.role.in_([SUPERVISOR, STAFF, INTERN]),
        )
        .order_by(User.full_name)
    )
    return list(db.session.scalars(stmt))


def assignee_filter_choices(user: User) -> list[User]:
    """People whose cases the user may filter by (their unit's desk, or everyone for the Direktorat)."""
    if user.role == INTERN:
        return [user]
    stmt = select(User).where(User.role.in_([SUPERVISOR, STAFF, INTERN])).order_by(User.full_name)
    if not is_national(user):
        stmt = stmt.where(User.unit_id == user.unit_id)
    return list(db.session.scalars(stmt))


# ---------------------------------------------------------------- object actions


def can(user: User, action: str, case: Case | None = None, unit_id: int | None = None) -> bool:
    role = user.role
    if action == "view":
        if case is None:
            return False
        if is_national(user):
            return True
        if role == INTERN:
            return case.assignee_id == user.id
        return case.unit_id == user.unit_id
    if action == "intake":
        if role == ADMIN:
            return True
        return role in (SUPERVISOR, STAFF, INTERN) and unit_id == user.unit_id
    if case is None:
        return False
    same_unit = case.unit_id == user.unit_id
    if action in ("assign", "transfer", "approve_closure", "reopen"):
        return role == ADMIN or (role == SUPERVISOR and same_unit)
    if action in ("follow_up", "attach"):
        if role == ADMIN:
            return True
        if role in (SUPERVISOR, STAFF):
            return same_unit
        return role == INTERN and case.assignee_id == user.id
    if action == "request_closure":
        return role == ADMIN or (role in (SUPERVISOR, STAFF) and same_unit)
    if action == "reveal_nik":  # the full NIK, shown on request and audited (never to masked roles)
        return not masks_pii(user) and (role == ADMIN or (role in (SUPERVISOR, STAFF) and same_unit))
    return False


# ---------------------------------------------------------------- personal data


def masks_pii(user: User) -> bool:
    return user.role in (INTERN, VIEWER)


def mask_middle(value: str | None, keep_start: int, keep_end: int) -> str:
    if not value:
        return ""
    if len(value) <= keep_start + keep_end:
        return "•" * len(value)
    return value[:keep_start] + "•" * (len(value) - keep_start - keep_end) + value[-keep_end:]


def shown_nik(user: User, applicant: Applicant) -> str:
    if not applicant.nik:
        return ""
    return mask_middle(applicant.nik, 4, 2) if masks_pii(user) else applicant.nik


def shown_phone(user: User, applicant: Applicant) -> str:
    return shown_phone_value(user, applicant.phone)


def shown_phone_value(user: User, phone: str | None) -> str:
    """A phone number read as a plain column (the case-list export), masked like an applicant's."""
    if not phone:
        return ""
    return mask_middle(phone, 4, 2) if masks_pii(user) else phone


def shown_address(user: User, applicant: Applicant) -> str:
    if not applicant.address:
        return ""
    return "•••" if masks_pii(user) else applicant.address


def may_search_pii(user: User) -> bool:
    """Interns and viewers cannot probe NIKs or phone numbers through search."""
    return not masks_pii(user)


# ---------------------------------------------------------------- groups and outreach (issue 8)
# Sessions: the Direktorat sees all, a unit's supervisors and staff see their unit's, an intern
# sees the sessions they were present at. Groups are applicants: the applicant scope applies.


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


def can_session(user: User, action: str, session) -> bool:
    """view (the caller has loaded it through the scope) | edit | intake."""
    if action == "view":
        return True
    if action == "edit":
        return user.role == ADMIN or (user.role in (SUPERVISOR, STAFF) and session.unit_id == user.unit_id)
    if action == "intake":
        return can(user, "intake", unit_id=session.unit_id)
    return False


def get_session_or_404(user: User, session_id: int, action: str = "view"):

    stmt = sessions_visible_to(user).where(OutreachSession.id == session_id)
    session = db.session.execute(stmt).scalar_one_or_none()
    if session is None:
        abort(404)
    if not can_session(user, action, session):
        abort(403)
    return session


def units_for_sessions(user: User) -> list[Unit]:
    """Units a user may record outreach sessions for."""
    if user.role not in (ADMIN, SUPERVISOR, STAFF):
        return []
    return units_for_intake(user)


def session_staff_choices(unit_id: int) -> list[User]:
    """Who may be recorded as present at a unit's session: its active desk people."""
    stmt = (
        select(User)
        .where(User.unit_id == unit_id, User.active.is_(True), User.role.in_([SUPERVISOR, STAFF, INTERN]))
        .order_by(User.full_name)
    )
    return list(db.session.scalars(stmt))


def groups_visible_to(user: User) -> Select:
    return applicants_visible_to(user).where(Applicant.kind == "group")


def can_group(user: User, action: str, group: Applicant) -> bool:
    """view (loaded through the scope) | edit (members) | intake (a further case)."""
    if action == "view":
        return True
    if action == "edit":
        if user.role == ADMIN:
            return True
        if user.role not in (SUPERVISOR, STAFF):
            return False
        return group.created_by_unit_id == user.unit_id or bool(
            db.session.scalar(
                select(exists().where(Case.applicant_id == group.id, Case.unit_id == user.unit_id))
            )
        )
    if action == "intake":
        return user.role in DESK_ROLES
    return False


def get_group_or_404(user: User, group_id: int, action: str = "view") -> Applicant:
    group = db.session.execute(groups_visible_to(user).where(Applicant.id == group_id)).scalar_one_or_none()
    if group is None:
        abort(404)
    if not can_group(user, action, group):
        abort(403)
    return group


def shown_nik_value(user: User, nik: str | None) -> str:
    """Any NIK (a group's contact person, a member, a session attendee), masked like an applicant's."""
    if not nik:
        return ""
    return mask_middle(nik, 4, 2) if masks_pii(user) else nik


# ---------------------------------------------------------------- intern logbook (krs/worklog)
# intern: own entries only; supervisor: own unit's interns (reviews them); viewer: read all;
# admin: all; staff: no logbook.


def _worklog_models():
    return models


def _worklog_user_scope(user: User, user_column):
    """A WHERE clause on a column holding an intern's user id; None means every intern."""
    if is_national(user):
        return None
    if user.role == INTERN:
        return user_column == user.id
    if user.role == SUPERVISOR:
        return user_column.in_(select(User.id).where(User.unit_id == user.unit_id))
    return false()  # staff: nothing


def interns_visible_to(user: User) -> Select:
    stmt = select(User).where(User.role == INTERN)
    scope = _worklog_user_scope(user, User.id)
    return stmt if scope is None else stmt.where(scope)


def worklog_entries_visible_to(user: User) -> Select:
    m = _worklog_models()
    stmt = select(m.WorkLogEntry)
    scope = _worklog_user_scope(user, m.WorkLogEntry.user_id)
    return stmt if scope is None else stmt.where(scope)


def work_weeks_visible_to(user: User) -> Select:
    m = _worklog_models()
    stmt = select(m.WorkWeek)
    scope = _worklog_user_scope(user, m.WorkWeek.user_id)
    return stmt if scope is None else stmt.where(scope)


def placements_visible_to(user: User) -> Select:
    m = _worklog_models()
    stmt = select(m.Placement)
    scope = _worklog_user_scope(user, m.Placement.user_id)
    return stmt if scope is None else stmt.where(scope)


def can_worklog(user: User, action: str, intern: User | None = None) -> bool:
    """Logbook actions on an intern's records: write (own entries, submit), review, manage placements."""
    role = user.role
    if action == "view":
        return (
            intern is not None
            and db.session.execute(interns_visible_to(user).where(User.id == intern.id)).first() is not None
        )
    if action == "write":
        return role == INTERN and intern is not None and intern.id == user.id
    if action in ("review", "manage_placement"):
        if role == ADMIN:
            return True
        return role == SUPERVISOR and (intern is None or intern.unit_id == user.unit_id)
    return False


def _load_or_404(user: User, stmt, action: str, intern_of):
    obj = db.session.execute(stmt).scalar_one_or_none()
    if obj is None:
        abort(404)
    if action != "view" and not can_worklog(user, action, intern_of(obj)):
        abort(403)
    return obj


def get_intern_or_404(user: User, intern_id: int, action: str = "view") -> User:
    return _load_or_404(user, interns_visible_to(user).where(User.id == intern_id), action, lambda u: u)


def get_worklog_entry_or_404(user: User, entry_id: int, action: str = "view"):
    m = _worklog_models()
    stmt = worklog_entries_visible_to(user).where(m.WorkLogEntry.id == entry_id)
    return _load_or_404(user, stmt, action, lambda e: e.intern)


def get_work_week_or_404(user: User, week_id: int, action: str = "view"):
    m = _worklog_models()
    stmt = work_weeks_visible_to(user).where(m.WorkWeek.id == week_id)
    return _load_or_404(user, stmt, action, lambda w: w.intern)


def get_placement_or_404(user: User, placement_id: int, action: str = "view"):
    m = _worklog_models()
    stmt = placements_visible_to(user).where(m.Placement.id == placement_id)
    return _load_or_404(user, stmt, action, lambda p: p.intern)


def field_supervisors_for(user: User) -> list[User]:
    """Supervisors who may be named field supervisor on a placement this user manages."""
    stmt = select(User).where(User.role == SUPERVISOR, User.active.is_(True)).order_by(User.full_name)
    if user.role != ADMIN:
        stmt = stmt.where(User.unit_id == user.unit_id)
    return list(db.session.scalars(stmt))


# ---------------------------------------------------------------- evaluation (issue 4)


def report_units_for(user: User) -> list[Unit]:
    """The offices whose figures the user may see: all for the Direktorat, their own for the desk."""
    if user.role in (ADMIN, VIEWER):
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

    stmt = select(Survey)
    if is_national(user):
        return stmt
    return stmt.where(Survey.unit_id == user.unit_id)


def stats_visible_to(user: User, model) -> Select:
    """Rows of the maintained dashboard totals (krs.reports.stats.StatDay / StatMonth): all units
    for the Direktorat, the user's own unit otherwise (they are only read for report users)."""
    stmt = select(model)
    if is_national(user):
        return stmt
    return stmt.where(model.unit_id == user.unit_id)


def targets_visible_to(user: User) -> Select:

    stmt = select(UnitTarget)
    if is_national(user):
        return stmt
    return stmt.where(UnitTarget.unit_id == user.unit_id)


def may_edit_reference_data(user: User) -> bool:
    """Service levels and targets are set by the Direktorat's admins; others read them."""
    return user.role == ADMIN


def may_invite_survey(user: User, case: Case) -> bool:
    """The desk that served a closed case may hand the applicant the IKM survey."""
    if case.status != "closed":
        return False
    if user.role == ADMIN:
        return True
    if user.role in (SUPERVISOR, STAFF):
        return case.unit_id == user.unit_id
    return user.role == INTERN and case.assignee_id == user.id


def shows_staff_names(user: User) -> bool:
    """Viewers see aggregates without personal data: usage per staff member is anonymised."""
    return user.role != VIEWER


# ---------------------------------------------------------------- programme tools (issue 7)
# Transfers, workload, notifications, applicant history, saved filters, administration.

ENDPOINTS.update(
    {
        "cases.transfer": roles(ADMIN, SUPERVISOR),
        "cases.transfers": roles(ADMIN, VIEWER, SUPERVISOR),
        "cases.transfer_review": roles(ADMIN, VIEWER, SUPERVISOR),
        "cases.workload": roles(ADMIN, SUPERVISOR),
        "cases.bulk_assign": roles(ADMIN, SUPERVISOR),
        "cases.save_filter": SIGNED_IN,
        "cases.delete_filter": SIGNED_IN,
        "applicants.detail": SIGNED_IN,
        "notifications.index": SIGNED_IN,
        "notifications.count": SIGNED_IN,
        "notifications.mark_read": SIGNED_IN,
        "admin.index": roles(ADMIN, SUPERVISOR),
        "admin.units": roles(ADMIN),
        "admin.unit_new": roles(ADMIN),
        "admin.unit_edit": roles(ADMIN),
        "admin.users": roles(ADMIN, SUPERVISOR),
        "admin.user_new": roles(ADMIN, SUPERVISOR),
        "admin.user_edit": roles(ADMIN, SUPERVISOR),
        "admin.user_active": roles(ADMIN, SUPERVISOR),
        "admin.user_reset_password": roles(ADMIN, SUPERVISOR),
        "admin.reference": roles(ADMIN),
        "admin.audit": roles(ADMIN),
    }
)


def transfers_visible_to(user: User) -> Select:
    """Transfers the user may see: the Direktorat all; a supervisor those leaving or entering their unit."""

    stmt = select(CaseTransfer)
    if is_national(user):
        return stmt
    if user.role == SUPERVISOR:
        return stmt.where(
            or_(CaseTransfer.from_unit_id == user.unit_id, CaseTransfer.to_unit_id == user.unit_id)
        )
    return stmt.where(CaseTransfer.id.is_(None))


def get_transfer_or_404(user: User, transfer_id: int):

    transfer = db.session.execute(
        transfers_visible_to(user).where(CaseTransfer.id == transfer_id)
    ).scalar_one_or_none()
    if transfer is None:
        abort(404)
    return transfer


def may_decide_transfer(user: User, transfer) -> bool:
    """Only the receiving side decides: its supervisor, or an admin."""
    return user.role == ADMIN or (user.role == SUPERVISOR and transfer.to_unit_id == user.unit_id)


def transfer_target_units(user: User, case: Case) -> list[Unit]:
    if not can(user, "transfer", case):
        return []
    stmt = (
        select(Unit)
        .where(Unit.active.is_(True), Unit.kind != "direktorat", Unit.id != case.unit_id)
        .order_by(Unit.name)
    )
    return list(db.session.scalars(stmt))


def workload_people(user: User) -> Select:
    """The desk people whose workload the user oversees: own unit for a supervisor, all for an admin."""
    stmt = select(User).where(User.active.is_(True), User.role.in_([SUPERVISOR, STAFF, INTERN]))
    if user.role == ADMIN:
        return stmt
    if user.role == SUPERVISOR:
        return stmt.where(User.unit_id == user.unit_id)
    return stmt.where(User.id.is_(None))


def bulk_assignees(user: User) -> list[User]:
    """People a bulk assignment may go to (each case still checks the assignee's unit)."""
    return list(db.session.scalars(workload_people(user).order_by(User.full_name)))


def get_applicant_or_404(user: User, applicant_id: int) -> Applicant:
    applicant = db.session.execute(
        applicants_visible_to(user).where(Applicant.id == applicant_id)
    ).scalar_one_or_none()
    if applicant is None:
        abort(404)
    return applicant


def cases_of_applicant_visible_to(user: User, applicant: Applicant) -> Select:
    return cases_visible_to(user).where(Case.applicant_id == applicant.id)


def users_manageable_by(user: User) -> Select:
    """Accounts the user administers: all for an admin; a supervisor their unit's staff and interns."""
    stmt = select(User)
    if user.role == ADMIN:
        return stmt
    if user.role == SUPERVISOR:
        return stmt.where(User.unit_id == user.unit_id, User.role.in_([STAFF, INTERN]))
    return stmt.where(User.id.is_(None))


def get_managed_user_or_404(user: User, user_id: int) -> User:
    found = db.session.execute(users_manageable_by(user).where(User.id == user_id)).scalar_one_or_none()
    if found is None:
        abort(404)
    return found


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


def may_see_phone(user: User) -> bool:
    """The WhatsApp hand-off needs the number unmasked."""
    return not masks_pii(user)
