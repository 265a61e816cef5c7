"""The case list: its filters, the scoped and filtered query, the search, one page of it.

Shared by the case desk's list (krs.cases), the list's CSV/Excel export (krs.reports) and the
home page; every statement starts from `access.cases_visible_to(user)`.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import and_, column, func, or_, select, table, union_all
from sqlalchemy.orm import aliased, joinedload

from krs import access, pagination
from krs.extensions import db
from krs.models import (
    OPEN_STATUSES,
    Applicant,
    ApplicantKind,
    Case,
    CaseService,
    CaseStatus,
    Event,
    EventKind,
    ServiceType,
    User,
)
from krs.pagination import CappedPage, id_or_none, page_number
from krs.service_levels import SLA_STATES, sla_clause
from krs.workdays import today_in

VIEWS = ("mine", "unassigned", "overdue", "all")
OPEN_STATUS = "open"  # status filter: every open status (the home page's "berjalan" tile)
FILTER_ARGS = ("q", "status", "service", "channel", "assignee", "sla")  # any of them: the view "all"


@dataclass
class CaseFilters:
    q: str = ""
    status: str = ""
    service: str = ""
    channel: str = ""
    assignee: str = ""  # user id, or "none" for unassigned
    view: str = ""  # mine | unassigned | overdue | all
    unit: str = ""
    page: int = 1
    sla: str = ""  # on_time | due_soon | overdue (open cases against their resolution due date)
    view_chosen: bool = False  # the view came with the request (a tab, a tile): a filter kept with q

    def query_args(self) -> dict:
        """The filters as the list's query arguments (the pager's links)."""
        return {k: v for k, v in self.__dict__.items() if k != "view_chosen"}


def default_view(user: User) -> str:
    return access.default_case_view(user)


def filters_from_args(args, user: User) -> CaseFilters:
    """The list's filters from a query string (a MultiDict); no view given: "all" when a filter
    is, else the role's default view.

    A search covers every case the user may see (issue 14): the role's default view is not
    applied to `q`; a view the user chose (a tab, a home tile) is, and the page shows it beside
    the query as a filter that can be removed."""
    page = page_number(args.get("page", 1))
    view = args.get("view")
    view_chosen = view in VIEWS
    if not view_chosen:
        view = "all" if any(args.get(k) for k in FILTER_ARGS) else default_view(user)
    return CaseFilters(
        q=args.get("q", "")[:100],
        status=args.get("status", ""),
        service=args.get("service", ""),
        channel=args.get("channel", ""),
        assignee=args.get("assignee", ""),
        unit=args.get("unit", ""),
        sla=args.get("sla", ""),
        view=view,
        page=page,
        view_chosen=view_chosen,
    )


def filtered_cases(user: User, f: CaseFilters):
    """The scoped statement for a case list with its filters (shared by the list and exports)."""
    stmt = access.cases_visible_to(user)
    if f.view == "mine":
        stmt = stmt.where(Case.assignee_id == user.id, Case.status != CaseStatus.CLOSED)
    elif f.view == "unassigned":
        stmt = stmt.where(Case.assignee_id.is_(None), Case.status != CaseStatus.CLOSED)
    elif f.view == "overdue":
        stmt = stmt.where(Case.status.in_(OPEN_STATUSES), Case.resolution_due < today_in(user.unit.timezone))
    if f.sla in SLA_STATES:
        stmt = stmt.where(sla_clause(f.sla, today_in(user.unit.timezone)))
    if CaseStatus.has(f.status):
        stmt = stmt.where(Case.status == f.status)
    elif f.status == OPEN_STATUS:
        stmt = stmt.where(Case.status.in_(OPEN_STATUSES))
    if f.channel:
        stmt = stmt.where(Case.channel == f.channel)
    if ServiceType.has(f.service):
        stmt = stmt.where(
            select(CaseService.case_id)
            .where(CaseService.case_id == Case.id, CaseService.service == f.service)
            .exists()
        )
    if f.assignee == "none":
        stmt = stmt.where(Case.assignee_id.is_(None))
    elif (assignee_id := id_or_none(f.assignee)) is not None:
        stmt = stmt.where(Case.assignee_id == assignee_id)
    if (unit_id := id_or_none(f.unit)) is not None and access.is_national(user):
        stmt = stmt.where(Case.unit_id == unit_id)
    q = f.q.strip()
    if q:
        stmt = stmt.where(search_clause(user, q))
    return stmt


_applicant_fts = table("applicant_fts", column("rowid"), column("name"), column("phone"))


def _uses_fts(term: str) -> bool:
    return db.session.get_bind().dialect.name == "sqlite" and len(term) >= 3


def name_search_ids(q: str):
    """Ids of applicants whose name contains q (case-insensitive), through the trigram index of
    migration 0007_perf: FTS5 on SQLite, pg_trgm GIN on PostgreSQL (which serves ILIKE itself).
    Shorter than 3 characters no trigram exists and a plain ILIKE answers."""
    if _uses_fts(q):
        return select(_applicant_fts.c.rowid).where(_applicant_fts.c.name.like(f"%{q}%"))
    return select(Applicant.id).where(Applicant.name.ilike(f"%{q}%"))


def phone_search_ids(phone: str):
    if _uses_fts(phone):
        return select(_applicant_fts.c.rowid).where(_applicant_fts.c.phone.like(f"%{phone}%"))
    return select(Applicant.id).where(Applicant.phone.like(f"%{phone}%"))


def _group_contact_named(q: str):
    return and_(Applicant.kind == ApplicantKind.GROUP, Applicant.contact_name.ilike(f"%{q}%"))


def search_clause(user: User, q: str):
    """`q` of the case list: case number, applicant name (substring, any case), and for roles that
    may see personal data a 16-digit NIK (exact) or a phone number (substring).

    Each part is one indexed lookup and the case ids are their union: names and phones by the
    trigram index, NIK by its unique index, case numbers by pg_trgm on PostgreSQL (on SQLite the
    number index is scanned, and only for queries with a digit or a dash that could be part of a
    number: a name never matches `KRS-<UNIT>-<YEAR>-<SEQ>`, a 9+ digit NIK or phone never does)."""
    digits = q.replace(" ", "").replace("-", "").replace("+", "")
    long_digits = digits.isdigit() and len(digits) > 8
    could_be_number = any(ch.isdigit() or ch == "-" for ch in q) and not long_digits
    pii = digits.isdigit() and len(digits) >= 6 and access.can_search_pii(user)
    if not could_be_number and not pii and db.session.get_bind().dialect.name == "postgresql":
        # a name: a correlated EXISTS lets the planner choose — the trigram index for a rare name,
        # or walking the newest cases and stopping at the page for a very common one
        return (
            select(Applicant.id)
            .where(
                Applicant.id == Case.applicant_id,
                or_(Applicant.name.ilike(f"%{q}%"), _group_contact_named(q)),
            )
            .exists()
        )
    # groups are found by their contact person too (issue 8): few rows, through the kind index
    applicant_sets = [name_search_ids(q), select(Applicant.id).where(_group_contact_named(q))]
    if digits.isdigit() and access.can_search_pii(user):
        if len(digits) == 16:
            applicant_sets.append(select(Applicant.id).where(Applicant.nik == digits))
            applicant_sets.append(select(Applicant.id).where(Applicant.contact_nik == digits))
        elif len(digits) >= 6:
            phone = "0" + digits[2:] if digits.startswith("62") else digits
            applicant_sets.append(phone_search_ids(phone))
    parts = [select(Case.id).where(Case.applicant_id.in_(union_all(*applicant_sets)))]
    if could_be_number:
        parts.append(select(Case.id).where(Case.number.ilike(f"%{q}%")))
    return Case.id.in_(union_all(*parts) if len(parts) > 1 else parts[0])


def list_cases(user: User, f: CaseFilters, per_page: int = 25) -> CappedPage:
    """One page of the list: a count capped at COUNT_CAP + 1 (krs.pagination), the page's ids from
    the filter and sort indexes alone, then those rows with their applicant, assignee and unit (3 statements,
    plus one for the services, whatever the page size; a search needs one statement less)."""
    cap = pagination.COUNT_CAP
    stmt = filtered_cases(user, f).order_by(None)
    newest_first = (Case.created_at.desc(), Case.id.desc())
    if f.q.strip():
        # a search: no total — only this page and whether another follows (LIMIT page × size + 1),
        # so a very common name stops after one page instead of counting every match
        wanted = min(f.page, cap // per_page) * per_page + 1
        matches = list(
            db.session.scalars(stmt.with_only_columns(Case.id).order_by(*newest_first).limit(wanted))
        )
        page = min(max(1, f.page), max(1, -(-len(matches) // per_page)))
        ids = matches[(page - 1) * per_page : page * per_page]
        more = len(matches) > page * per_page
        rows = _load_page(ids)
        return CappedPage(
            rows, (page - 1) * per_page + len(ids), page, per_page, capped=more, open_ended=True
        )
    else:
        counted = db.session.scalar(
            select(func.count()).select_from(stmt.with_only_columns(Case.id).limit(cap + 1).subquery())
        )
        page = min(max(1, f.page), max(1, -(-min(counted, cap) // per_page)))
        ids = list(
            db.session.scalars(
                stmt.with_only_columns(Case.id)
                .order_by(*newest_first)
                .limit(per_page)
                .offset((page - 1) * per_page)
            )
        )
    rows = _load_page(ids)
    return CappedPage(rows, min(counted or 0, cap), page, per_page, capped=counted > cap)


def count_capped(user: User, f: CaseFilters) -> tuple[int, bool]:
    """How many cases the list with these filters holds, read up to COUNT_CAP + 1 like the list's
    own count: (the number read, at most COUNT_CAP + 1; whether it passed COUNT_CAP). The home
    tiles count with it, so a tile and the list it opens cannot differ."""
    cap = pagination.COUNT_CAP
    ids = filtered_cases(user, f).order_by(None).with_only_columns(Case.id).limit(cap + 1)
    counted = db.session.scalar(select(func.count()).select_from(ids.subquery())) or 0
    return counted, counted > cap


def _load_page(ids: list[int]) -> list[Case]:
    """The page's cases, in the order of ids, with applicant, assignee and unit in one statement."""
    if not ids:
        return []
    loaded = db.session.scalars(
        select(Case)
        .where(Case.id.in_(ids))
        .options(joinedload(Case.applicant), joinedload(Case.assignee), joinedload(Case.unit))
    ).unique()
    by_id = {c.id: c for c in loaded}
    return [by_id[i] for i in ids if i in by_id]


# ---------------------------------------------------------------- the latest follow-up


def is_latest_follow_up(event=Event):
    """WHERE clause: `event` (Event or an alias of it) is its case's latest follow-up — no other
    follow-up of the case happened later, nor at the same moment with a higher id (ties broken by
    id, so exactly one follow-up per case is the latest)."""
    later = aliased(Event)
    return ~(
        select(later.id)
        .where(
            later.case_id == event.case_id,
            later.kind.in_(EventKind.follow_up_kinds()),
            or_(
                later.occurred_at > event.occurred_at,
                and_(later.occurred_at == event.occurred_at, later.id > event.id),
            ),
        )
        .exists()
    )
