"""Rules of the design library (issue 18, part 1): designs, their drawings and RAB template lines,
and handing a design to a case.

Authorisation has been decided by krs.access before a function here runs; the functions re-check
the few rules that are about the records (a design usable on the case, the case still open, the
case's optimistic lock). Every change writes an audit row in the same transaction and commits;
a hand-out is also an event on the case's timeline.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from krs import access, audit, case_events, signals
from krs.extensions import db
from krs.formats import in_both_languages
from krs.models import (
    Case,
    CaseStatus,
    Design,
    DesignFile,
    DesignHandout,
    EventKind,
    RabTemplateLine,
    Unit,
    User,
    WorkItem,
    utcnow,
)

DESIGN_AUDIT_FIELDS = [
    "unit_id",
    "code",
    "name",
    "house_type",
    "floor_area_m2",
    "floors",
    "bedrooms",
    "rooms",
    "structure",
    "quake_notes",
    "description",
    "active",
]
CASE_AUDIT_FIELDS = ["status", "version"]
OPEN_STATUSES = (CaseStatus.NEW, CaseStatus.ASSIGNED, CaseStatus.IN_PROGRESS)

# The work item codes of the AHSP starter set: a group letter, a dot, two digits (P.01, S.03).
WORK_ITEM_CODE = re.compile(r"^[A-Z]{1,3}\.[0-9]{2,3}$")


class DesignError(Exception):
    """A rule of the design library said no; the message is for the user."""


class ConflictError(DesignError):
    def __init__(self):
        super().__init__(
            _l(
                "Kasus ini baru saja diubah oleh pengguna lain. Desain belum diserahkan; "
                "muat ulang halaman untuk melihat data terbaru lalu ulangi."
            )
        )


# ---------------------------------------------------------------- the library


@dataclass
class Filters:
    structure: str = ""
    house_type: str = ""
    area_min: Decimal | None = None
    area_max: Decimal | None = None
    scope: str = ""  # "" all, "national", "office"


def list_designs(user: User, filters: Filters) -> list[Design]:
    """The designs the user sees, filtered, each with its files loaded (for the thumbnail)."""
    stmt = access.designs_visible_to(user).options(selectinload(Design.files))
    if filters.structure:
        stmt = stmt.where(Design.structure == filters.structure)
    if filters.house_type:
        stmt = stmt.where(func.lower(Design.house_type).contains(filters.house_type.lower()))
    if filters.area_min is not None:
        stmt = stmt.where(Design.floor_area_m2 >= filters.area_min)
    if filters.area_max is not None:
        stmt = stmt.where(Design.floor_area_m2 <= filters.area_max)
    if filters.scope == "national":
        stmt = stmt.where(Design.unit_id.is_(None))
    elif filters.scope == "office":
        stmt = stmt.where(Design.unit_id.is_not(None))
    stmt = stmt.order_by(Design.active.desc(), Design.unit_id.is_not(None), Design.floor_area_m2, Design.code)
    return list(db.session.scalars(stmt))


def unit_names(designs: list[Design]) -> dict[int, str]:
    ids = {d.unit_id for d in designs if d.unit_id}
    if not ids:
        return {}
    return dict(db.session.execute(select(Unit.id, Unit.name).where(Unit.id.in_(ids))).all())


def house_types(user: User) -> list[str]:
    stmt = (
        access.designs_visible_to(user)
        .with_only_columns(Design.house_type)
        .where(Design.house_type != "")
        .distinct()
        .order_by(Design.house_type)
    )
    return list(db.session.scalars(stmt))


def thumbnail_of(design: Design) -> DesignFile | None:
    """The picture shown for a design in the list: its first plan image, else its first image."""
    images = [f for f in design.files if f.is_image]
    return next((f for f in images if f.kind == "plan"), images[0] if images else None)


@dataclass
class DesignData:
    unit_id: int | None
    code: str
    name: str
    house_type: str
    floor_area_m2: Decimal
    floors: int
    bedrooms: int
    rooms: str
    structure: str
    quake_notes: str
    description: str
    active: bool = True


def save_design(actor: User, design: Design | None, data: DesignData) -> Design:
    """Create (design None) or edit a design; the code is unique across the library."""
    code = data.code.strip().upper()
    clash = db.session.scalar(
        select(Design.id).where(func.upper(Design.code) == code, Design.id != (design.id if design else 0))
    )
    if clash is not None:
        raise DesignError(_l("Kode desain %(code)s sudah dipakai.", code=code))
    if not access.can_create_design(actor, data.unit_id):
        raise DesignError(_l("Anda tidak dapat menyimpan desain untuk kantor ini."))
    before = audit.snapshot(design, DESIGN_AUDIT_FIELDS) if design else None
    if design is None:
        design = Design(created_by_id=actor.id)
        db.session.add(design)
    design.unit_id = data.unit_id
    design.code = code
    design.name = data.name.strip()
    design.house_type = data.house_type.strip()
    design.floor_area_m2 = data.floor_area_m2
    design.floors = data.floors
    design.bedrooms = data.bedrooms
    design.rooms = data.rooms.strip()
    design.structure = data.structure
    design.quake_notes = data.quake_notes.strip()
    design.description = data.description.strip()
    design.active = data.active
    db.session.flush()
    action = "design.create" if before is None else "design.edit"
    audit.record(actor, action, "design", design.id, before, audit.snapshot(design, DESIGN_AUDIT_FIELDS))
    db.session.commit()
    return design


# ---------------------------------------------------------------- RAB template lines


@dataclass
class TemplateLineView:
    line: RabTemplateLine
    work_item: WorkItem | None


def normalise_code(code: str) -> str:
    return (code or "").strip().upper()


def check_code(code: str) -> str:
    code = normalise_code(code)
    if not WORK_ITEM_CODE.match(code):
        raise DesignError(_l("Kode pekerjaan ditulis seperti P.01 atau S.02 (huruf, titik, dua angka)."))
    return code


def template_lines(design: Design) -> list[TemplateLineView]:
    """The RAB template of a design, with the work item of each code where the catalogue has it."""
    lines = list(
        db.session.scalars(
            select(RabTemplateLine)
            .where(RabTemplateLine.design_id == design.id)
            .order_by(RabTemplateLine.position, RabTemplateLine.id)
        )
    )
    codes = {ln.work_item_code for ln in lines}
    items = (
        {w.code: w for w in db.session.scalars(select(WorkItem).where(WorkItem.code.in_(codes)))}
        if codes
        else {}
    )
    return [TemplateLineView(ln, items.get(ln.work_item_code)) for ln in lines]


def work_item_choices() -> list[tuple[str, str]]:
    """The catalogue's active work items (code, name): suggestions for the template line form."""
    stmt = select(WorkItem.code, WorkItem.name).where(WorkItem.active.is_(True)).order_by(WorkItem.code)
    return [(code, name) for code, name in db.session.execute(stmt).all()]


def _line_snapshot(line: RabTemplateLine) -> dict:
    return {
        "design_id": line.design_id,
        "position": line.position,
        "work_item_code": line.work_item_code,
        "volume": line.volume,
        "note": line.note,
    }


def add_line(actor: User, design: Design, code: str, volume: Decimal, note: str = "") -> RabTemplateLine:
    code = check_code(code)
    if volume is None or volume <= 0:
        raise DesignError(_l("Volume harus lebih dari nol."))
    last = db.session.scalar(
        select(func.max(RabTemplateLine.position)).where(RabTemplateLine.design_id == design.id)
    )
    line = RabTemplateLine(
        design_id=design.id,
        position=(last or 0) + 1,
        work_item_code=code,
        volume=volume,
        note=(note or "").strip(),
    )
    db.session.add(line)
    db.session.flush()
    audit.record(actor, "design.line_add", "rab_template_line", line.id, None, _line_snapshot(line))
    db.session.commit()
    return line


def remove_line(actor: User, design: Design, line_id: int) -> None:
    line = db.session.scalar(
        select(RabTemplateLine).where(RabTemplateLine.id == line_id, RabTemplateLine.design_id == design.id)
    )
    if line is None:
        raise DesignError(_l("Baris tidak ditemukan."))
    audit.record(actor, "design.line_remove", "rab_template_line", line.id, _line_snapshot(line), None)
    db.session.delete(line)
    db.session.commit()


# ---------------------------------------------------------------- files


def _file_snapshot(f: DesignFile) -> dict:
    return {
        "design_id": f.design_id,
        "kind": f.kind,
        "title": f.title,
        "original_name": f.original_name,
        "content_type": f.content_type,
        "size_bytes": f.size_bytes,
    }


def add_file(actor: User, design: Design, stored, kind: str, title: str = "") -> DesignFile:
    """`stored`: a krs.uploads.StoredFile already written to the store."""
    row = DesignFile(
        design_id=design.id,
        kind=kind,
        title=(title or "").strip(),
        original_name=stored.original_name,
        stored_name=stored.stored_name,
        content_type=stored.content_type,
        size_bytes=stored.size_bytes,
        uploaded_by_id=actor.id,
    )
    db.session.add(row)
    db.session.flush()
    audit.record(actor, "design.file_add", "design_file", row.id, None, _file_snapshot(row))
    db.session.commit()
    return row


def file_of(design: Design, file_id: int) -> DesignFile | None:
    return db.session.scalar(
        select(DesignFile).where(DesignFile.id == file_id, DesignFile.design_id == design.id)
    )


def remove_file(actor: User, design: Design, file_id: int) -> str:
    """Remove a drawing; answers the stored name so the caller can delete it from the store."""
    row = file_of(design, file_id)
    if row is None:
        raise DesignError(_l("Berkas tidak ditemukan."))
    stored_name = row.stored_name
    audit.record(actor, "design.file_remove", "design_file", row.id, _file_snapshot(row), None)
    db.session.delete(row)
    db.session.commit()
    return stored_name


# ---------------------------------------------------------------- hand-outs and usage


def usage_by_office(design: Design) -> list[tuple[str, int]]:
    """Where a design was used: hand-outs per office (counts only, never a case)."""
    stmt = (
        select(Unit.name, func.count(DesignHandout.id))
        .join(Unit, Unit.id == DesignHandout.unit_id)
        .where(DesignHandout.design_id == design.id)
        .group_by(Unit.name)
        .order_by(func.count(DesignHandout.id).desc(), Unit.name)
    )
    return [(name, int(n)) for name, n in db.session.execute(stmt).all()]


def designs_for_case(case: Case) -> list[Design]:
    stmt = access.designs_for_case(case).order_by(Design.unit_id.is_(None), Design.floor_area_m2, Design.code)
    return list(db.session.scalars(stmt))


def handouts_of_case(case: Case) -> list[tuple[DesignHandout, Design]]:
    stmt = (
        select(DesignHandout, Design)
        .join(Design, Design.id == DesignHandout.design_id)
        .where(DesignHandout.case_id == case.id)
        .order_by(DesignHandout.handed_at.desc(), DesignHandout.id.desc())
    )
    return [(h, d) for h, d in db.session.execute(stmt).all()]


def hand_out(actor: User, case: Case, design: Design, expected_version: int | None) -> DesignHandout:
    """Hand a design to a case: the hand-out, a "Penyerahan hasil" event on the timeline and an
    audit row, in one transaction, guarded by the case's optimistic lock."""
    if case_events.is_stale(case, expected_version):
        raise ConflictError()
    if not access.can_hand_out_design(actor, case):
        raise DesignError(_l("Anda tidak dapat menyerahkan desain pada kasus ini."))
    if case.status not in OPEN_STATUSES:
        raise DesignError(_l("Desain hanya dapat diserahkan pada kasus yang sedang berjalan."))
    if not access.can_use_design_on_case(design, case):
        raise DesignError(_l("Desain ini tidak dapat diserahkan pada kasus ini."))
    before = audit.snapshot(case, CASE_AUDIT_FIELDS)
    now = utcnow()
    body, body_en = in_both_languages(
        _l("Desain diserahkan: %(code)s — %(name)s", code=design.code, name=design.name)
    )
    event = case_events.add_event(
        actor,
        case,
        EventKind.DELIVERABLE,
        occurred_at=now,
        body=body,
        data={"design_id": design.id, "design_code": design.code, "body_en": body_en},
    )
    if case.first_response_at is None:
        case.first_response_at = now
    if case.status != CaseStatus.IN_PROGRESS:
        case.status = CaseStatus.IN_PROGRESS
    else:
        case_events.bump_version(case, at=now)  # the hand-out is a change to the case
    with case_events.commit_or_conflict(ConflictError):
        handout = DesignHandout(
            design_id=design.id,
            case_id=case.id,
            unit_id=case.unit_id,
            event_id=event.id,
            handed_by_id=actor.id,
            handed_at=now,
        )
        db.session.add(handout)
        db.session.flush()
        signals.follow_up_recorded.send(actor, event=event)  # an intern's hand-out goes into their logbook
        audit.record(
            actor,
            "case.design_handout",
            "case",
            case.id,
            before,
            {
                **audit.snapshot(case, CASE_AUDIT_FIELDS),
                "event_id": event.id,
                "design_id": design.id,
                "handout_id": handout.id,
            },
        )
    return handout
