"""The case list: its filters, the scoped and filtered query, the search, one page of it.

Shared by the case desk's list (krs.cases), the list's CSV/Excel export (krs.reports) and the
home page; every statement starts from `access.cases_visible_to(user)`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import (
    Integer,
    and_,
    bindparam,
    column,
    func,
    inspect,
    literal_column,
    or_,
    select,
    table,
    text,
    union_all,
)
from sqlalchemy import event as sa_event
from sqlalchemy.orm import Session, aliased
from sqlalchemy.orm.attributes import set_committed_value

from krs import access, pagination
from krs.extensions import db
from krs.intake import format_case_number
from krs.models import (
    OPEN_STATUSES,
    Accompaniment,
    AccompanimentStage,
    Applicant,
    ApplicantKind,
    Case,
    CaseService,
    CaseStatus,
    Event,
    EventKind,
    ServiceType,
    Unit,
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


def _filtered(user: User, f: CaseFilters):
    """The scoped statement with every filter but the search `q`."""
    stmt = access.cases_visible_to(user)
    if f.view == "mine":
        stmt = stmt.where(Case.assignee_id == user.id, Case.status != CaseStatus.CLOSED)
    elif f.view == "unassigned":
        stmt = stmt.where(Case.assignee_id.is_(None), Case.status != CaseStatus.CLOSED)
    elif f.view == "overdue":
        stmt = stmt.where(Case.status.in_(OPEN_STATUSES), Case.resolution_due < today_in(user.unit.timezone))
    if f.sla in SLA_STATES:
        stmt = stmt.where(sla_clause(f.sla, today_in(user.unit.timezone)))
    if f.status == OPEN_STATUS:  # every open status at once: the office's open work as one list
        stmt = stmt.where(Case.status.in_(OPEN_STATUSES))
    elif CaseStatus.has(f.status):
        stmt = stmt.where(Case.status == f.status)
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
    return stmt


_UNRESOLVED = object()


def filtered_cases(user: User, f: CaseFilters, hit=_UNRESOLVED):
    """The scoped statement for a case list with its filters (shared by the list and exports).

    A search that names a case by its number (`number_hit`) is that one case; any other search is
    `search_clause`. `hit` passes a number look-up already made (None: the query named no case)."""
    stmt = _filtered(user, f)
    q = f.q.strip()
    if q:
        if hit is _UNRESOLVED:
            hit = number_hit(user, f)
        stmt = stmt.where(Case.id == hit) if hit is not None else stmt.where(search_clause(user, q))
    return stmt


# ---------------------------------------------------------------- a case named by its number

_FULL_NUMBER = re.compile(r"KRS-[A-Z0-9]+-\d{4}-\d{4,}")
_TAIL = re.compile(r"\d{4,5}")


def number_in(user: User, q: str) -> str | None:
    """The case number a search names, or None.

    * a whole number, `KRS-JAWA2-2026-0071` (any case, surrounding spaces ignored);
    * its tail as printed on the receipt, 4 or 5 digits (`0071`, `12345`): the case of that
      sequence number issued by the user's own office in the current year (the office's local
      year), i.e. `KRS-<office code>-<year>-0071`. Shorter digit strings (`71`) stay a substring
      search of numbers (a tail typed half-way must not jump to case 0007), and 6+ digits are a
      phone number or NIK. A national user's office issues no numbers, so a tail finds nothing
      there and the ordinary search answers."""
    text = q.strip().upper()
    if _FULL_NUMBER.fullmatch(text):
        return text
    if _TAIL.fullmatch(text) and user.unit is not None:
        return format_case_number(user.unit, today_in(user.unit.timezone).year, int(text))
    return None


def number_hit(user: User, f: CaseFilters) -> int | None:
    """The id of the case the search names by its number, when the list (its scope through
    krs.access and its other filters) shows it: one look-up in the unique number index."""
    number = number_in(user, f.q)
    if number is None:
        return None
    return db.session.scalar(
        _filtered(user, f).where(Case.number == number).with_only_columns(Case.id).order_by(None).limit(1)
    )


_applicant_fts = table("applicant_fts", column("rowid"), column("name"), column("phone"))


def _uses_fts(term: str) -> bool:
    return db.session.get_bind().dialect.name == "sqlite" and len(term) >= 3


def _fts_substring(column_name: str, term: str):
    """WHERE clause: the FTS5 trigram column contains `term` (any case).

    A quoted phrase of a trigram table is a substring match answered from the index alone
    (`MATCH 'name : "budi"'`: the trigrams `bud`, `udi` at consecutive positions), about ten
    times cheaper than `LIKE '%budi%'` on it, which re-reads and re-tests every candidate row
    (issue 17: a common name in one unit). `%` and `_` keep their LIKE meaning, so a term
    holding either is still answered by LIKE."""
    if "%" in term or "_" in term:
        return _applicant_fts.c[column_name].like(f"%{term}%")
    phrase = term.replace('"', '""')
    return literal_column("applicant_fts").op("MATCH")(f'{column_name} : "{phrase}"')


def name_search_ids(q: str):
    """Ids of applicants whose name contains q (case-insensitive), through the trigram index of
    migration 0007_perf: FTS5 on SQLite, pg_trgm GIN on PostgreSQL (which serves ILIKE itself).
    Shorter than 3 characters no trigram exists and a plain ILIKE answers."""
    if _uses_fts(q):
        return select(_applicant_fts.c.rowid).where(_fts_substring("name", q))
    return select(Applicant.id).where(Applicant.name.ilike(f"%{q}%"))


def phone_search_ids(phone: str):
    if _uses_fts(phone):
        return select(_applicant_fts.c.rowid).where(_fts_substring("phone", phone))
    return select(Applicant.id).where(Applicant.phone.like(f"%{phone}%"))


# written inline (not a bound parameter) so that SQLite sees the partial index's own condition and
# reads ix_applicant_group_contact (the group rows) instead of every household (migration 0027)
_IS_GROUP = Applicant.kind == literal_column(f"'{ApplicantKind.GROUP.value}'")


def _group_contact_named(q: str):
    return and_(_IS_GROUP, Applicant.contact_name.ilike(f"%{q}%"))


# SQLite: the partial index named outright. With no group yet (a new office, the benchmark's data)
# ANALYZE writes no statistics for the empty index and the planner then reads every household
# instead (10 ms at 100k) — the same condition as `_group_contact_named`, ILIKE being lower() LIKE.
_GROUP_CONTACT_SQLITE = text(
    "SELECT applicant.id FROM applicant INDEXED BY ix_applicant_group_contact "
    f"WHERE applicant.kind = '{ApplicantKind.GROUP.value}' "
    "AND lower(applicant.contact_name) LIKE lower(:group_contact)"
).columns(column("id", Integer))


def _group_contact_ids(q: str):
    """Ids of groups whose contact person's name contains q (issue 8): few rows, by their index."""
    if db.session.get_bind().dialect.name == "sqlite":
        return _GROUP_CONTACT_SQLITE.bindparams(group_contact=f"%{q}%")
    return select(Applicant.id).where(_group_contact_named(q))


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
    applicant_sets = [name_search_ids(q), _group_contact_ids(q)]
    if digits.isdigit() and access.can_search_pii(user):
        if len(digits) == 16:
            applicant_sets.append(select(Applicant.id).where(Applicant.nik == digits))
            applicant_sets.append(select(Applicant.id).where(Applicant.contact_nik == digits))
        elif len(digits) >= 6:
            phone = "0" + digits[2:] if digits.startswith("62") else digits
            applicant_sets.append(phone_search_ids(phone))
    applicants = Case.applicant_id.in_(union_all(*applicant_sets))
    if not could_be_number:
        # the case's own applicant_id against the found applicants: with the index (applicant_id,
        # unit_id, created_at) the scope and the newest-first page need no read of the case rows
        return applicants
    parts = [select(Case.id).where(applicants), select(Case.id).where(Case.number.ilike(f"%{q}%"))]
    return Case.id.in_(union_all(*parts))


def list_cases(user: User, f: CaseFilters, per_page: int = 25, hit=_UNRESOLVED) -> CappedPage:
    """One page of the list: the page's ids from the filter and sort indexes alone with a count
    capped at COUNT_CAP + 1 (krs.pagination), then those rows with their applicant, officer,
    accompaniment stage (and unit) and, in a second statement, their services: 3 statements
    whatever the page size (a page past the end: 2 more; a search: 3, without a count)."""
    cap = pagination.COUNT_CAP
    stmt = filtered_cases(user, f, hit).order_by(None)
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
        rows = _load_page(ids, access.is_national(user))
        return CappedPage(
            rows, (page - 1) * per_page + len(ids), page, per_page, capped=more, open_ended=True
        )
    else:
        capped_count = select(func.count()).select_from(
            stmt.with_only_columns(Case.id).limit(cap + 1).subquery()
        )

        def page_ids(page: int, with_count: bool):
            cols = (Case.id, capped_count.scalar_subquery()) if with_count else (Case.id,)
            ordered = stmt.with_only_columns(*cols).order_by(*newest_first)
            return db.session.execute(ordered.limit(per_page).offset((page - 1) * per_page)).all()

        def last_page(counted: int) -> int:
            return max(1, -(-min(counted, cap) // per_page))

        # the page's ids and the capped count in one statement (the count an uncorrelated scalar
        # subquery, evaluated once); a page past the end (or the cap) is asked again as the last one
        page = max(1, f.page)
        found = page_ids(page, with_count=True)
        if found and page <= last_page(found[0][1]):
            counted = found[0][1]
        else:
            counted = db.session.scalar(capped_count) or 0
            page = min(page, last_page(counted))
            found = page_ids(page, with_count=False) if counted else []
        ids = [row[0] for row in found]
    rows = _load_page(ids, access.is_national(user))
    return CappedPage(rows, min(counted or 0, cap), page, per_page, capped=counted > cap)


def count_capped(user: User, f: CaseFilters) -> tuple[int, bool]:
    """How many cases the list with these filters holds, read up to COUNT_CAP + 1 like the list's
    own count: (the number read, at most COUNT_CAP + 1; whether it passed COUNT_CAP). The home
    tiles count with it, so a tile and the list it opens cannot differ."""
    cap = pagination.COUNT_CAP
    ids = filtered_cases(user, f).order_by(None).with_only_columns(Case.id).limit(cap + 1)
    counted = db.session.scalar(select(func.count()).select_from(ids.subquery())) or 0
    return counted, counted > cap


def counts_capped(user: User, filters: list[CaseFilters]) -> list[tuple[int, bool]]:
    """`count_capped` of several lists in one statement (the home tiles): one scalar subquery per
    list, each the same capped count the list itself reads."""
    if not filters:
        return []
    cap = pagination.COUNT_CAP
    counts = [
        select(func.count())
        .select_from(
            filtered_cases(user, f).order_by(None).with_only_columns(Case.id).limit(cap + 1).subquery()
        )
        .scalar_subquery()
        for f in filters
    ]
    row = db.session.execute(select(*counts)).one()
    return [(n or 0, (n or 0) > cap) for n in row]


@dataclass
class StageBadge:
    """A case's construction accompaniment as the lists show it (issue 19)."""

    name: str
    percent: int
    progress: int
    completed: bool


@dataclass(slots=True)
class RowApplicant:
    name: str
    phone: str | None


@dataclass(slots=True)
class RowPerson:
    full_name: str
    unit_id: int


@dataclass(slots=True)
class RowUnit:
    name: str


@dataclass(slots=True)
class RowService:
    service: str


@dataclass(slots=True)
class ListRow:
    """One case as the list shows it: the columns `cases/_rows.html` writes and its access checks
    (`access.can_assign_case`, `access.shown_phone`, `service_levels.sla_state`) read, under the
    same names as on `Case`, built from plain rows — no ORM identity, loading or relationship
    machinery per row (issue 17: that was a fifth of the list's time)."""

    id: int
    number: str
    status: str
    priority: str
    unit_id: int
    assignee_id: int | None
    created_by_id: int | None
    applicant_id: int
    created_at: object
    resolution_due: object
    channel: str
    applicant: RowApplicant
    assignee: RowPerson | None
    unit: RowUnit | None
    services: list
    stage: StageBadge | None = None  # its construction accompaniment, if it has one (issue 19)


_PAGE_STATEMENTS: dict[bool, tuple] = {}


def _page_statements(other_units: bool) -> tuple:
    """The two statements of `_load_page`, built once per process on the tables themselves (plain
    Core: no ORM entity to resolve per execution, and a statement built once keeps its cache key),
    the page's ids bound at execution (`ids`, an expanding IN)."""
    found = _PAGE_STATEMENTS.get(other_units)
    if found is not None:
        return found
    case, applicant, service = Case.__table__, Applicant.__table__, CaseService.__table__
    assignee, acc, stage = (
        User.__table__.alias("assignee"),
        Accompaniment.__table__,
        AccompanimentStage.__table__,
    )
    ids = bindparam("ids", expanding=True)
    columns = [
        case.c.id, case.c.number, case.c.status, case.c.priority, case.c.unit_id, case.c.assignee_id,
        case.c.created_by_id, case.c.applicant_id, case.c.created_at, case.c.resolution_due, case.c.channel,
        applicant.c.name, applicant.c.phone, assignee.c.full_name, assignee.c.unit_id,
        acc.c.id, stage.c.name, stage.c.percent, acc.c.progress_percent, acc.c.completed_on,
    ]  # fmt: skip
    joined = (
        case.join(applicant, applicant.c.id == case.c.applicant_id)
        .outerjoin(assignee, assignee.c.id == case.c.assignee_id)
        # at most one accompaniment per case (uq_accompaniment_case): the list's stage badge
        .outerjoin(acc, acc.c.case_id == case.c.id)
        .outerjoin(stage, acc.c.current_stage_id == stage.c.id)
    )
    if other_units:
        unit = Unit.__table__
        columns.append(unit.c.name)
        joined = joined.outerjoin(unit, unit.c.id == case.c.unit_id)
    rows = select(*columns).select_from(joined).where(case.c.id.in_(ids))
    services = select(service.c.case_id, service.c.service).where(service.c.case_id.in_(ids))
    found = _PAGE_STATEMENTS[other_units] = (rows, services.order_by(service.c.service))
    return found


def _load_page(ids: list[int], other_units: bool = True) -> list[ListRow]:
    """The page's cases, in the order of ids, as `ListRow`s: one statement for the cases with their
    applicant, officer, accompaniment stage (and unit, for a user who sees other offices), one for
    their services.

    `other_units` False (a user of one office, whose cases are all of that office): the unit is not
    joined — the list then writes the phone, not the office, in that cell."""
    if not ids:
        return []
    rows_stmt, services_stmt = _page_statements(other_units)
    connection = db.session.connection()
    services: dict[int, list[RowService]] = {}
    for case_id, service in connection.execute(services_stmt, {"ids": ids}):
        services.setdefault(case_id, []).append(RowService(service))
    by_id = {}
    for r in connection.execute(rows_stmt, {"ids": ids}):
        by_id[r[0]] = ListRow(
            *r[:11],
            applicant=RowApplicant(r[11], r[12]),
            assignee=RowPerson(r[13], r[14]) if r[5] is not None else None,
            unit=RowUnit(r[20]) if other_units else None,
            services=services.get(r[0], []),
            stage=StageBadge(r[16] or "", r[17] or 0, r[18] or 0, r[19] is not None) if r[15] else None,
        )
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


# ---------------------------------------------------------------- the case's next action (issue 17)
#
# `Case.next_action_due` / `Case.next_action_event_id` hold the next-action date and id of the
# case's latest follow-up (`is_latest_follow_up`), or None when that follow-up names no next action
# or there is none; the home page and the reminders then read an index range of cases instead of
# walking the history of follow-ups. They are kept in the transaction that changes the follow-ups:
# ORM flushes (a follow-up added, edited, moved or removed), ORM bulk UPDATE/DELETE of events, and
# `rebuild_next_actions` after loads that bypass the ORM (synthetic data, the migration's backfill).
# `next_action_differences` compares them with a fresh computation (tests, `flask krs stats-check`).

_FOLLOW_UPS = tuple(k.value for k in EventKind.follow_up_kinds())
_NEXT_FIELDS = ("kind", "occurred_at", "next_action_date", "case_id", "case")
_CHUNK = 500


def fresh_next_actions(conn, case_ids=None) -> dict[int, tuple]:
    """case id -> (next-action date, event id) of its latest follow-up, computed from the events;
    only cases whose latest follow-up names a next action (`case_ids` None: every case)."""
    stmt = select(Event.case_id, Event.next_action_date, Event.id).where(
        Event.kind.in_(_FOLLOW_UPS), is_latest_follow_up(), Event.next_action_date.is_not(None)
    )
    if case_ids is None:
        return {case_id: (day, event_id) for case_id, day, event_id in conn.execute(stmt)}
    found, ids = {}, sorted(i for i in case_ids if i is not None)
    for lo in range(0, len(ids), _CHUNK):
        part = stmt.where(Event.case_id.in_(ids[lo : lo + _CHUNK]))
        found.update({case_id: (day, event_id) for case_id, day, event_id in conn.execute(part)})
    return found


def sync_next_actions(session, case_ids) -> None:
    """Set the maintained next action of these cases from their follow-ups (a Core UPDATE that leaves
    the case's version alone; the loaded Case objects get the new values as committed state)."""
    ids = {i for i in case_ids if i is not None}
    if not ids:
        return
    conn = session.connection()
    fresh = fresh_next_actions(conn, ids)
    table = Case.__table__
    current = {}
    ordered = sorted(ids)
    for lo in range(0, len(ordered), _CHUNK):
        rows = conn.execute(
            select(table.c.id, table.c.next_action_due, table.c.next_action_event_id).where(
                table.c.id.in_(ordered[lo : lo + _CHUNK])
            )
        )
        current.update({row.id: (row.next_action_due, row.next_action_event_id) for row in rows})
    changes = [
        {"cid": case_id, "due": want[0], "eid": want[1]}
        for case_id, have in current.items()
        if have != (want := fresh.get(case_id, (None, None)))
    ]
    if changes:
        conn.execute(
            table.update()
            .where(table.c.id == bindparam("cid"))
            .values(next_action_due=bindparam("due"), next_action_event_id=bindparam("eid")),
            changes,
        )
    for change in changes:
        loaded = session.identity_map.get(session.identity_key(Case, change["cid"]))
        if loaded is not None:
            set_committed_value(loaded, "next_action_due", change["due"])
            set_committed_value(loaded, "next_action_event_id", change["eid"])


def rebuild_next_actions(conn, first_case_id: int | None = None) -> None:
    """Recompute the maintained next action of every case (from `first_case_id` on) in one statement,
    the same on SQLite and PostgreSQL: the latest follow-up by (occurred_at, id), as
    `is_latest_follow_up` decides it. Used by the migration's backfill and after synthetic loads."""
    where = "" if first_case_id is None else f" WHERE id >= {int(first_case_id)}"
    kinds = ", ".join(f"'{k}'" for k in _FOLLOW_UPS)
    latest = (
        "SELECT {col} FROM case_event e WHERE e.case_id = case_file.id AND e.kind IN ({kinds}) "
        "ORDER BY e.occurred_at DESC, e.id DESC LIMIT 1"
    )
    conn.exec_driver_sql(
        "UPDATE case_file SET "
        f"next_action_due = ({latest.format(col='e.next_action_date', kinds=kinds)}), "
        "next_action_event_id = ("
        f"{latest.format(col='CASE WHEN e.next_action_date IS NULL THEN NULL ELSE e.id END', kinds=kinds)})"
        f"{where}"
    )


def next_action_differences(conn) -> list[str]:
    """Cases whose maintained next action differs from a fresh computation (empty: all equal)."""
    fresh = fresh_next_actions(conn)
    table = Case.__table__
    kept = {
        row.id: (row.next_action_due, row.next_action_event_id)
        for row in conn.execute(
            select(table.c.id, table.c.next_action_due, table.c.next_action_event_id).where(
                or_(table.c.next_action_due.is_not(None), table.c.next_action_event_id.is_not(None))
            )
        )
    }
    problems = []
    for case_id in sorted(set(fresh) | set(kept)):
        if fresh.get(case_id) != kept.get(case_id):
            problems.append(f"case {case_id}: next action {kept.get(case_id)}, fresh {fresh.get(case_id)}")
    return problems


def _touched_case_ids(session) -> tuple[set, list]:
    cases, new = set(), []
    for obj in session.dirty | session.deleted:
        if not isinstance(obj, Event):
            continue
        state = inspect(obj)
        old_kind = state.attrs.kind.history.deleted
        if obj.kind not in _FOLLOW_UPS and not any(k in _FOLLOW_UPS for k in old_kind):
            continue
        if obj in session.deleted or any(state.attrs[f].history.has_changes() for f in _NEXT_FIELDS):
            cases.add(obj.case_id)
            cases.update(state.attrs.case_id.history.deleted)
            if obj.case is not None:
                cases.add(obj.case.id)
    for obj in session.new:
        if isinstance(obj, Event) and obj.kind in _FOLLOW_UPS:
            new.append(obj)
    return cases, new


@sa_event.listens_for(Session, "before_flush")
def _next_action_before_flush(session, _context, _instances):
    with session.no_autoflush:
        cases, new = _touched_case_ids(session)
    if cases or new:
        session.info["krs_next_action"] = (cases, new)
    else:
        session.info.pop("krs_next_action", None)


@sa_event.listens_for(Session, "after_flush")
def _next_action_after_flush(session, _context):
    pending = session.info.pop("krs_next_action", None)
    if pending is None:
        return
    cases, new = pending
    cases |= {obj.case_id for obj in new}
    sync_next_actions(session, cases)


@sa_event.listens_for(Session, "do_orm_execute")
def _next_action_around_bulk(state):
    """`session.execute(update(Event)…)` / `delete(Event)` bypass the flush: follow them."""
    if not (state.is_update or state.is_delete):
        return None
    mapper = state.bind_mapper
    if mapper is None or mapper.class_ is not Event:
        return None
    session = state.session
    session.flush()
    conn = session.connection()
    where = state.statement.whereclause
    stmt = select(Event.id, Event.case_id)
    found = conn.execute(stmt.where(where) if where is not None else stmt).all()
    result = state.invoke_statement()
    cases = {case_id for _id, case_id in found}
    event_ids = [i for i, _c in found]
    for lo in range(0, len(event_ids), _CHUNK):  # an event may have moved to another case
        part = event_ids[lo : lo + _CHUNK]
        cases.update(conn.execute(select(Event.case_id).where(Event.id.in_(part))).scalars())
    sync_next_actions(session, cases)
    return result
