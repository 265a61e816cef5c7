"""The home page: what waits for this user today."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from krs import access, case_lists
from krs.extensions import db
from krs.models import OPEN_STATUSES, Applicant, Case, CaseStatus, User
from krs.workdays import today_in


@dataclass
class Tile:
    """A home tile: the case list it opens (`args`, the list's own query string) and the number of
    cases that list holds, counted by the same function (issue 14: a tile and its list agree)."""

    key: str
    args: dict
    count: int
    capped: bool


@dataclass
class Home:
    tiles: list[Tile]
    closure_queue: list
    overdue: list
    next_actions: list  # open cases whose next action is due (Case.next_action_due <= today)
    today: date | None = None  # the user's office day the lists were read for

    @property
    def counts(self) -> dict:
        """Each tile's count by key, and `<key>_capped`: whether it passed the list's cap."""
        counts = {t.key: t.count for t in self.tiles}
        counts.update({f"{t.key}_capped": t.capped for t in self.tiles})
        return counts


def tile_args(user: User) -> list[tuple[str, dict]]:
    """The tiles this user sees, each with the case-list query it opens: their own open cases
    (desk people), the unassigned ones (not interns), overdue (their own for staff and interns,
    whom the home page shows their own work), waiting for closure approval, all open ones."""
    tiles = []
    if access.works_unit_desk(user):
        tiles.append(("mine", {"view": "mine"}))
    if access.can_see_unassigned_cases(user):
        tiles.append(("unassigned", {"view": "unassigned"}))
    overdue = {"view": "overdue"}
    if access.works_own_cases(user):
        overdue["assignee"] = str(user.id)
    tiles.append(("overdue", overdue))
    tiles.append(("closure_requested", {"status": CaseStatus.CLOSURE_REQUESTED.value}))
    tiles.append(("open", {"view": "all", "status": case_lists.OPEN_STATUS}))
    return tiles


def home_tiles(user: User) -> list[Tile]:
    """Every tile's count in one statement (`case_lists.counts_capped`: each the list's own capped
    count, as a scalar subquery)."""
    wanted = tile_args(user)
    counted = case_lists.counts_capped(
        user, [case_lists.filters_from_args(MultiDict(args), user) for _key, args in wanted]
    )
    return [
        Tile(key, args, count, capped) for (key, args), (count, capped) in zip(wanted, counted, strict=True)
    ]


# what the home lists show of a case: plain rows (no ORM objects, no relationships to load)
_ROW_COLUMNS = (
    Case.id,
    Case.number,
    Case.status,
    Case.outcome,
    Case.resolution_due,
    Case.next_action_due,
    Applicant.name.label("applicant_name"),
)


def _rows(stmt) -> list:
    """The home list's rows of a scoped case statement: the columns above, the applicant joined."""
    return list(
        db.session.execute(
            stmt.with_only_columns(*_ROW_COLUMNS).join_from(
                Case, Applicant, Case.applicant_id == Applicant.id
            )
        )
    )


def home_for(user: User) -> Home:
    user = getattr(user, "_get_current_object", lambda: user)()  # the signed-in user, not its proxy
    today = today_in(user.unit.timezone)
    own = access.works_own_cases(user)
    overdue_stmt = (
        access.cases_visible_to(user)
        .where(Case.status.in_(OPEN_STATUSES), Case.resolution_due < today)
        .order_by(Case.resolution_due)
        .limit(10)
    )
    if own:
        overdue_stmt = overdue_stmt.where(Case.assignee_id == user.id)
    closure_queue = []
    if access.can_approve_closures(user):
        # the ten ids first (from the scope's index, no applicant read), then their rows: the
        # queue is sorted by `updated_at`, so every waiting case is read before the limit applies
        first = (
            access.cases_visible_to(user)
            .where(Case.status == CaseStatus.CLOSURE_REQUESTED)
            .order_by(Case.updated_at)
            .limit(10)
            .with_only_columns(Case.id)
        )
        closure_queue = _rows(select(Case).where(Case.id.in_(first)).order_by(Case.updated_at))
    # each open case's latest follow-up's next-action date, maintained on the case (krs.case_lists):
    # an index range (unit or assignee, status, date) instead of walking the follow-up history
    next_stmt = (
        access.cases_visible_to(user)
        .where(Case.status.in_(OPEN_STATUSES), Case.next_action_due <= today)
        .order_by(Case.next_action_due, Case.id)
        .limit(10)
    )
    if own:
        next_stmt = next_stmt.where(Case.assignee_id == user.id)
    return Home(
        tiles=home_tiles(user),
        closure_queue=closure_queue,
        overdue=_rows(overdue_stmt),
        next_actions=_rows(next_stmt),
        today=today,
    )
