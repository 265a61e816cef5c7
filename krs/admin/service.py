"""Administration: units, accounts, reference lists, audit log. Every change is audited;
deactivating an account or a unit never deletes its history."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload

from krs import access, audit, reference_data, signals, workdays
from krs.extensions import db
from krs.models import (
    AuditLog,
    Channel,
    Outcome,
    ReferenceItem,
    ReferenceList,
    Role,
    ServiceType,
    Unit,
    User,
    WorkCalendarYear,
    end_sessions_of,
)
from krs.pagination import Page
from krs.passwords import password_problem

LETTERHEAD_FIELDS = [
    "letterhead_name",
    "letterhead_address",
    "letterhead_city",
    "letterhead_phone",
    "letterhead_email",
    "referral_number_format",
]
UNIT_FIELDS = [
    "code",
    "name",
    "kind",
    "timezone",
    "provinces",
    "active",
    *LETTERHEAD_FIELDS,
    "logo_stored_name",
]
USER_FIELDS = [
    "username",
    "full_name",
    "role",
    "unit_id",
    "active",
    "must_change_password",
    "nip",
    "position",
    "email",
]
LOGO_TYPES = ("image/png", "image/jpeg")


class AdminError(Exception):
    """A rule refused the change; the message is for the user."""


# ---------------------------------------------------------------- units


def all_units() -> list[Unit]:
    return list(db.session.scalars(select(Unit).order_by(Unit.kind, Unit.name)))


def _nip_taken(nip: str | None, user: User | None) -> bool:
    if not nip:
        return False
    owner = db.session.scalar(select(User.id).where(User.nip == nip))
    return owner is not None and (user is None or owner != user.id)


def save_unit(actor: User, unit: Unit | None, data: dict, logo=None) -> Unit:
    """`logo`: a krs.uploads.StoredFile already in the store (or None to keep the current one)."""
    code = data["code"].strip().upper()
    clash = db.session.scalar(select(Unit.id).where(func.upper(Unit.code) == code))
    if clash is not None and (unit is None or clash != unit.id):
        raise AdminError(_l("Kode unit %(code)s sudah dipakai.", code=code))
    before = audit.snapshot(unit, UNIT_FIELDS) if unit else None
    if unit is None:
        slug = code.lower()
        if db.session.scalar(select(Unit.id).where(Unit.slug == slug)):
            slug = f"{slug}-{secrets.token_hex(2)}"
        unit = Unit(slug=slug)
        db.session.add(unit)
    unit.code = code
    unit.name = data["name"].strip()
    unit.kind = data["kind"]
    unit.timezone = data["timezone"]
    unit.provinces = ",".join(sorted(data.get("provinces") or []))
    unit.active = bool(data.get("active"))
    for name in LETTERHEAD_FIELDS:
        setattr(unit, name, (data.get(name) or "").strip() or None)
    if logo is not None:
        if logo.content_type not in LOGO_TYPES:
            raise AdminError(_l("Logo harus gambar PNG atau JPG."))
        unit.logo_stored_name, unit.logo_content_type = logo.stored_name, logo.content_type
    elif data.get("remove_logo"):
        unit.logo_stored_name = unit.logo_content_type = None
    db.session.flush()
    audit.record(
        actor,
        "unit.create" if before is None else "unit.update",
        "unit",
        unit.id,
        before,
        audit.snapshot(unit, UNIT_FIELDS),
    )
    db.session.commit()
    return unit


# ---------------------------------------------------------------- accounts


# no 0/O, 1/l/I: the temporary password is read out or copied by hand
_PASSWORD_ALPHABET = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def temporary_password(length: int = 12) -> str:
    return "".join(secrets.choice(_PASSWORD_ALPHABET) for _ in range(length))


def _check_role_and_unit(actor: User, role: str, unit_id: int) -> Unit:
    if role not in access.roles_assignable_by(actor):
        raise AdminError(_l("Anda tidak dapat memberi peran ini."))
    unit = next((u for u in access.units_assignable_by(actor) if u.id == unit_id), None)
    if unit is None:
        raise AdminError(_l("Pilih unit yang aktif dan menjadi wewenang Anda."))
    if role in (Role.ADMIN, Role.VIEWER) and unit.kind != "direktorat":
        raise AdminError(_l("Admin dan evaluator adalah akun Direktorat."))
    return unit


def create_user(actor: User, data: dict) -> tuple[User, str]:
    """A new account that must change its password at first sign-in; returns it and the initial password."""
    username = data["username"].strip().lower()
    if db.session.scalar(select(User.id).where(func.lower(User.username) == username)):
        raise AdminError(_l("Nama pengguna %(u)s sudah dipakai.", u=username))
    unit = _check_role_and_unit(actor, data["role"], data["unit_id"])
    if _nip_taken(data.get("nip"), None):
        raise AdminError(_l("NIP ini sudah tercatat pada akun lain."))
    user = User(
        username=username,
        full_name=data["full_name"].strip(),
        role=data["role"],
        unit=unit,
        active=True,
        must_change_password=True,
        nip=data.get("nip") or None,
        position=(data.get("position") or "").strip() or None,
    )
    user.email = (data.get("email") or "").strip() or None
    password = data.get("password") or temporary_password()
    problem = password_problem(user, password)
    if problem:
        raise AdminError(problem)
    user.set_password(password)
    db.session.add(user)
    db.session.flush()
    audit.record(actor, "user.create", "user", user.id, None, audit.snapshot(user, USER_FIELDS))
    db.session.commit()
    return user, password


def update_user(actor: User, user: User, data: dict) -> User:
    if user.id == actor.id and (data["role"] != user.role or data["unit_id"] != user.unit_id):
        raise AdminError(_l("Anda tidak dapat mengubah peran atau unit akun Anda sendiri."))
    unit = _check_role_and_unit(actor, data["role"], data["unit_id"])
    if _nip_taken(data.get("nip"), user):
        raise AdminError(_l("NIP ini sudah tercatat pada akun lain."))
    before = audit.snapshot(user, USER_FIELDS)
    user.nip = data.get("nip") or None
    user.position = (data.get("position") or "").strip() or None
    user.full_name = data["full_name"].strip()
    user.role = data["role"]
    user.unit = unit
    if "email" in data:
        user.email = (data.get("email") or "").strip() or None
    db.session.flush()
    audit.record(actor, "user.update", "user", user.id, before, audit.snapshot(user, USER_FIELDS))
    db.session.commit()
    return user


def set_active(actor: User, user: User, active: bool) -> User:
    """Deactivate (or reactivate) an account; its cases, events and audit rows stay as they are."""
    if user.id == actor.id:
        raise AdminError(_l("Anda tidak dapat menonaktifkan akun Anda sendiri."))
    if user.active == active:
        return user
    before = audit.snapshot(user, USER_FIELDS)
    user.active = active
    if not active:
        db.session.execute(end_sessions_of(user.id))  # signed out everywhere, now
    db.session.flush()
    audit.record(
        actor,
        "user.activate" if active else "user.deactivate",
        "user",
        user.id,
        before,
        audit.snapshot(user, USER_FIELDS),
    )
    db.session.commit()
    return user


def reset_password(actor: User, user: User) -> str:
    """A new temporary password (shown once to the actor, never stored in the audit log)."""
    password = temporary_password()
    user.set_password(password)
    user.must_change_password = True
    db.session.execute(end_sessions_of(user.id))  # the old password's sessions end with it
    audit.record(actor, "user.reset_password", "user", user.id, None, {"must_change_password": True})
    db.session.commit()
    return password


def end_sessions(actor: User, user: User) -> int:
    """Sign the user out everywhere (a lost phone, a shared PC): every session record goes, so
    every cookie of theirs, copied or not, signs nobody in. The number of sessions ended."""
    ended = db.session.execute(end_sessions_of(user.id)).rowcount
    audit.record(actor, "user.end_sessions", "user", user.id, None, {"sessions_ended": ended})
    db.session.commit()
    return ended


def managed_users(actor: User, q: str = "", include_inactive: bool = True) -> list[User]:
    stmt = access.users_manageable_by(actor).options(joinedload(User.unit))
    if q:
        stmt = stmt.where(
            func.lower(User.username).contains(q.lower()) | func.lower(User.full_name).contains(q.lower())
        )
    if not include_inactive:
        stmt = stmt.where(User.active.is_(True))
    return list(db.session.scalars(stmt.order_by(User.active.desc(), User.unit_id, User.full_name)).unique())


# ---------------------------------------------------------------- reference lists

DEFAULTS = {
    ReferenceList.SERVICE_TYPE: ServiceType,
    ReferenceList.CHANNEL: Channel,
    ReferenceList.OUTCOME: Outcome,
}


def ensure_reference_items(commit: bool = True) -> None:
    """Create the rows the app's built-in lists need (labels start as the built-in Indonesian ones)."""
    existing = {(r.list_name, r.code) for r in db.session.scalars(select(ReferenceItem))}
    added = False
    for list_name, enum_cls in DEFAULTS.items():
        for order, member in enumerate(enum_cls):
            if (list_name.value, member.value) not in existing:
                db.session.add(
                    ReferenceItem(
                        list_name=list_name.value,
                        code=member.value,
                        label=enum_cls.indonesian_labels()[member.value],
                        active=True,
                        sort_order=order,
                    )
                )
                added = True
    if added and commit:
        db.session.commit()
    elif added:
        db.session.flush()


def reference_items(seed: bool = True) -> dict[str, list[ReferenceItem]]:
    """The lists grouped by name. With seed=False (the admin page's GET) nothing is written: a
    built-in entry without a row is shown as an unsaved one, stored by the first save."""
    if seed:
        ensure_reference_items()
    rows = db.session.scalars(
        select(ReferenceItem).order_by(ReferenceItem.list_name, ReferenceItem.sort_order)
    )
    grouped: dict[str, list[ReferenceItem]] = {r.value: [] for r in ReferenceList}
    for row in rows:
        grouped.setdefault(row.list_name, []).append(row)
    if not seed:
        for list_name, enum_cls in DEFAULTS.items():
            items = grouped.setdefault(list_name.value, [])
            stored = {r.code for r in items}
            items += [
                ReferenceItem(
                    list_name=list_name.value,
                    code=m.value,
                    label=enum_cls.indonesian_labels()[m.value],
                    active=True,
                    sort_order=order,
                )
                for order, m in enumerate(enum_cls)
                if m.value not in stored
            ]
            items.sort(key=lambda r: r.sort_order)
    return grouped


def find_reference_item(key: str | None) -> ReferenceItem | None:
    """The row a reference form posts: its id, or `list:code` for a built-in entry not stored yet
    (the built-in rows are then added, uncommitted, to the caller's transaction)."""
    key = (key or "").strip()
    if key.isascii() and key.isdigit() and len(key) <= 9:
        return db.session.get(ReferenceItem, int(key))
    list_name, _sep, code = key.partition(":")
    enum_cls = next((e for lst, e in DEFAULTS.items() if lst.value == list_name), None)
    if enum_cls is None or code not in {m.value for m in enum_cls}:
        return None
    ensure_reference_items(commit=False)
    return db.session.scalar(
        select(ReferenceItem).where(ReferenceItem.list_name == list_name, ReferenceItem.code == code)
    )


def update_reference_item(actor: User, item: ReferenceItem, label: str, active: bool) -> ReferenceItem:
    label = (label or "").strip()
    if not label:
        raise AdminError(_l("Label tidak boleh kosong."))
    if not active:
        still_active = db.session.scalar(
            select(func.count()).where(
                ReferenceItem.list_name == item.list_name,
                ReferenceItem.active.is_(True),
                ReferenceItem.id != item.id,
            )
        )
        if not still_active:
            raise AdminError(_l("Minimal satu pilihan dalam daftar harus tetap aktif."))
    before = {"label": item.label, "active": item.active}
    item.label = label[:150]
    item.active = active
    reference_data.forget()  # this context's copy of the lists is now old
    audit.record(
        actor,
        "reference.update",
        "reference_item",
        item.id,
        before,
        {"list": item.list_name, "code": item.code, "label": item.label, "active": item.active},
    )
    db.session.commit()
    return item


# ---------------------------------------------------------------- audit log


@dataclass
class AuditFilters:
    actor: str = ""
    action: str = ""
    entity: str = ""
    date_from: date | None = None
    date_to: date | None = None
    page: int = 1


def audit_entries(f: AuditFilters, tz_name: str, per_page: int = 50) -> Page:
    stmt = select(AuditLog)
    if f.actor:
        stmt = stmt.join(User, AuditLog.actor_id == User.id).where(
            func.lower(User.username) == f.actor.strip().lower()
        )
    if f.action:
        stmt = stmt.where(AuditLog.action.like(f"{f.action.strip()}%"))
    if f.entity:
        stmt = stmt.where(AuditLog.entity == f.entity.strip())
    zone = ZoneInfo(tz_name)
    if f.date_from:
        stmt = stmt.where(AuditLog.at >= datetime.combine(f.date_from, time.min, zone).astimezone(UTC))
    if f.date_to:
        stmt = stmt.where(
            AuditLog.at < datetime.combine(f.date_to + timedelta(days=1), time.min, zone).astimezone(UTC)
        )
    total = db.session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    page = max(1, f.page)
    rows = db.session.scalars(
        stmt.options(joinedload(AuditLog.actor))
        .order_by(AuditLog.at.desc(), AuditLog.id.desc())
        .limit(per_page)
        .offset((page - 1) * per_page)
    ).unique()
    return Page(list(rows), total, page, per_page)


def audit_entities() -> list[str]:
    return list(db.session.scalars(select(AuditLog.entity).distinct().order_by(AuditLog.entity)))


# ---------------------------------------------------------------- working calendar (issue 13)


@dataclass
class CalendarYear:
    year: int
    collective_leave_off: bool
    leave_days: list[date]


def calendar_years(today: date) -> list[CalendarYear]:
    """The years an admin may set: last year to next year, and every year set before."""
    stored = {r.year: r.collective_leave_off for r in db.session.scalars(select(WorkCalendarYear))}
    years = sorted(set(range(today.year - 1, today.year + 2)) | set(stored))
    return [CalendarYear(y, stored.get(y, True), workdays.collective_leave_days(y)) for y in years]


def set_collective_leave(actor: User, year: int, off: bool) -> int:
    """Whether collective leave of `year` is a non-working day. The due dates reaching into that
    year are set again (each keeps its number of working days after the case's opening day) and
    the dashboard totals are rebuilt (signals.work_calendar_changed), in one transaction.
    Returns the number of cases whose due dates moved."""
    old = workdays.stored_calendar()
    if old.leave_off_in(year) == off:
        return 0
    row = db.session.get(WorkCalendarYear, year)
    if row is None:
        row = WorkCalendarYear(year=year)
        db.session.add(row)
    row.collective_leave_off = off
    db.session.flush()
    workdays.forget_calendar()
    new = workdays.stored_calendar()
    moved = workdays.move_due_dates(db.session.connection(), old, new, year)
    db.session.expire_all()  # the cases' due dates changed below the ORM
    signals.work_calendar_changed.send(actor, year=year)
    audit.record(
        actor,
        "calendar.collective_leave",
        "work_calendar_year",
        year,
        {"year": year, "collective_leave_off": not off},
        {"year": year, "collective_leave_off": off, "cases_moved": moved},
    )
    db.session.commit()
    return moved
