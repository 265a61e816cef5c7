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
from sqlalchemy import Select, exists, or_, select

from krs.extensions import db
from krs.models import Applicant, Case, Role, Unit, User

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
    if not applicant.phone:
        return ""
    return mask_middle(applicant.phone, 4, 2) if masks_pii(user) else applicant.phone


def shown_address(user: User, applicant: Applicant) -> str:
    if not applicant.address:
        return ""
    return "•••" if masks_pii(user) else applicant.address


def may_search_pii(user: User) -> bool:
    """Interns and viewers cannot probe NIKs or phone numbers through search."""
    return not masks_pii(user)
