"""The audit log in people's words (issue 15): a label per action and per kind of record, the
changed fields by their labels, values through their enumerations' labels, people, units and cases
by name, dates as the pages write them. The stored rows stay as they are (codes and JSON); only
their display is translated, in the reader's language."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from krs.extensions import db
from krs.formats import fmt_date, fmt_datetime
from krs.models import (
    Agency,
    AuditLog,
    Case,
    CaseStatus,
    EventKind,
    Gender,
    GroupKind,
    LabelledEnum,
    Outcome,
    ReferenceList,
    ReferralAnswer,
    Role,
    ServiceType,
    Unit,
    UnitKind,
    User,
    WeekStatus,
    WorkCategory,
)

ACTIONS = {
    "auth.login": _l("Masuk ke aplikasi"),
    "auth.logout": _l("Keluar dari aplikasi"),
    "auth.locked": _l("Akun dikunci sementara"),
    "auth.change_password": _l("Kata sandi diganti"),
    "applicant.create": _l("Pemohon dicatat"),
    "applicant.reveal_nik": _l("NIK ditampilkan"),
    "applicant.edit": _l("Data pemohon diubah"),
    "applicant.update_at_intake": _l("Data pemohon diperbarui saat pencatatan"),
    "applicant.merge": _l("Data pemohon digabung"),
    "applicant.unmerge": _l("Penggabungan data pemohon dibatalkan"),
    "case.create": _l("Kasus baru dicatat"),
    "case.assign": _l("Kasus ditugaskan"),
    "case.take": _l("Kasus diambil"),
    "case.edit": _l("Data kasus diubah"),
    "case.follow_up": _l("Tindak lanjut baru dicatat"),
    "case.request_closure": _l("Penutupan diajukan"),
    "case.approve_closure": _l("Penutupan disetujui"),
    "case.return_closure": _l("Penutupan dikembalikan"),
    "case.reopen": _l("Kasus dibuka kembali"),
    "case.transfer_request": _l("Pemindahan diajukan"),
    "case.transfer_accept": _l("Pemindahan diterima"),
    "case.transfer_reject": _l("Pemindahan ditolak"),
    "saved_filter.save": _l("Filter disimpan"),
    "saved_filter.delete": _l("Filter dihapus"),
    "outreach.create": _l("Sosialisasi dicatat"),
    "outreach.update": _l("Sosialisasi diubah"),
    "outreach.photo": _l("Foto sosialisasi diunggah"),
    "outreach.intake": _l("Kasus dicatat dari sosialisasi"),
    "group.members": _l("Anggota kelompok dicatat"),
    "group.member_add": _l("Anggota kelompok ditambahkan"),
    "group.member_paste": _l("Daftar anggota kelompok ditempel"),
    "group.member_update": _l("Anggota kelompok diubah"),
    "group.member_remove": _l("Anggota kelompok dihapus"),
    "referral.create": _l("Surat pengantar dibuat"),
    "referral.answer": _l("Jawaban lembaga dicatat"),
    "agency.create": _l("Lembaga tujuan ditambahkan"),
    "agency.update": _l("Lembaga tujuan diubah"),
    "status_link.create": _l("Tautan status dibuat"),
    "status_link.revoke": _l("Tautan status dicabut"),
    "export.reveal_nik": _l("Ekspor dengan NIK lengkap"),
    "placement.create": _l("Penempatan magang dibuat"),
    "placement.update": _l("Penempatan magang diubah"),
    "worklog.entry_create": _l("Kegiatan logbook dicatat"),
    "worklog.entry_update": _l("Kegiatan logbook diubah"),
    "worklog.entry_delete": _l("Kegiatan logbook dihapus"),
    "worklog.entry_from_follow_up": _l("Kegiatan logbook dari tindak lanjut"),
    "worklog.entry_from_session": _l("Kegiatan logbook dari sosialisasi"),
    "worklog.follow_up_not_logged": _l("Tindak lanjut tidak masuk logbook"),
    "worklog.session_not_logged": _l("Sosialisasi tidak masuk logbook"),
    "worklog.week_submit": _l("Logbook mingguan diajukan"),
    "worklog.week_approve": _l("Logbook mingguan disetujui"),
    "worklog.week_return": _l("Logbook mingguan dikembalikan"),
    "survey.invite": _l("Survei IKM dibuka"),
    "survey.submit": _l("Survei IKM diisi"),
    "target.set": _l("Target unit diatur"),
    "service_level.set": _l("Batas waktu layanan diatur"),
    "unit.create": _l("Unit dibuat"),
    "unit.update": _l("Unit diubah"),
    "user.create": _l("Akun dibuat"),
    "user.update": _l("Akun diubah"),
    "user.activate": _l("Akun diaktifkan"),
    "user.deactivate": _l("Akun dinonaktifkan"),
    "user.reset_password": _l("Kata sandi diatur ulang"),
    "user.end_sessions": _l("Semua sesi diakhiri"),
    "reference.update": _l("Daftar pilihan diubah"),
    "calendar.collective_leave": _l("Cuti bersama diatur"),
    "synthetic.seed": _l("Data sintetis dibuat"),
    # issues 16, 18, 19: imports, designs, prices, RAB, accompaniment
    "accompaniment.start": _l("Pendampingan pembangunan dimulai"),
    "accompaniment.visit": _l("Kunjungan tahap pendampingan dicatat"),
    "aid_ceiling.save": _l("Plafon bantuan disimpan"),
    "case.design_handout": _l("Desain diserahkan ke kasus"),
    "case.import": _l("Kasus diimpor dari Excel"),
    "design.create": _l("Desain dibuat"),
    "design.edit": _l("Desain diubah"),
    "design.file_add": _l("Gambar desain ditambahkan"),
    "design.file_remove": _l("Gambar desain dihapus"),
    "design.line_add": _l("Baris templat RAB desain ditambahkan"),
    "design.line_remove": _l("Baris templat RAB desain dihapus"),
    "import.upload": _l("Berkas impor diunggah"),
    "import.check": _l("Uji coba impor dijalankan"),
    "import.confirm": _l("Impor dikonfirmasi"),
    "import.apply": _l("Impor dijalankan"),
    "import.undo": _l("Impor dibatalkan"),
    "price_item.save": _l("Harga satuan disimpan"),
    "price_item.delete": _l("Harga satuan dihapus"),
    "price_list.create": _l("Daftar harga dibuat"),
    "price_list.copy": _l("Daftar harga disalin"),
    "price_list.import": _l("Daftar harga diimpor dari Excel"),
    "rab.create": _l("RAB dibuat"),
    "rab.add_lines": _l("Pekerjaan ditambahkan ke RAB"),
    "rab.add_template": _l("Templat desain dimuat ke RAB"),
    "rab.update_line": _l("Baris RAB diubah"),
    "rab.delete_line": _l("Baris RAB dihapus"),
    "rab.settings": _l("Pengaturan RAB diubah"),
    "rab.hand_over": _l("RAB diserahkan"),
    "rab.new_version": _l("Versi baru RAB dibuat"),
    "work_item.save": _l("Item pekerjaan (AHSP) disimpan"),
}

# the kinds of record, for the filter
ENTITIES = {
    "applicant": _l("Pemohon"),
    "case": _l("Kasus"),
    "case_event": _l("Tindak lanjut"),
    "case_export": _l("Ekspor kasus"),
    "referral": _l("Rujukan"),
    "agency": _l("Lembaga tujuan"),
    "login": _l("Masuk"),
    "outreach_session": _l("Sosialisasi"),
    "placement": _l("Penempatan magang"),
    "reference_item": _l("Daftar pilihan"),
    "saved_filter": _l("Filter tersimpan"),
    "service_level": _l("Batas waktu layanan"),
    "survey": _l("Survei IKM"),
    "unit": _l("Unit"),
    "unit_target": _l("Target unit"),
    "user": _l("Akun"),
    "work_calendar_year": _l("Kalender kerja"),
    "work_week": _l("Logbook mingguan"),
    "worklog_entry": _l("Kegiatan logbook"),
    "accompaniment": _l("Pendampingan pembangunan"),
    "aid_ceiling": _l("Plafon bantuan"),
    "design": _l("Desain rumah"),
    "design_file": _l("Gambar desain"),
    "import_batch": _l("Impor Excel"),
    "price_item": _l("Harga satuan"),
    "price_list": _l("Daftar harga"),
    "rab": _l("RAB (rencana anggaran biaya)"),
    "rab_template_line": _l("Baris templat RAB"),
    "work_item": _l("Item pekerjaan (AHSP)"),
}

# one record of a kind, on a row of the log
ENTITY_ROWS = {
    "applicant": _l("Pemohon #%(id)s"),
    "case": _l("Kasus #%(id)s"),
    "case_event": _l("Tindak lanjut #%(id)s"),
    "referral": _l("Rujukan #%(id)s"),
    "agency": _l("Lembaga tujuan #%(id)s"),
    "outreach_session": _l("Sosialisasi #%(id)s"),
    "placement": _l("Penempatan magang #%(id)s"),
    "reference_item": _l("Pilihan daftar #%(id)s"),
    "saved_filter": _l("Filter tersimpan #%(id)s"),
    "survey": _l("Survei IKM #%(id)s"),
    "unit": _l("Unit #%(id)s"),
    "unit_target": _l("Target unit #%(id)s"),
    "user": _l("Akun #%(id)s"),
    "work_calendar_year": _l("Kalender kerja %(id)s"),
    "work_week": _l("Logbook mingguan #%(id)s"),
    "worklog_entry": _l("Kegiatan logbook #%(id)s"),
    "accompaniment": _l("Pendampingan #%(id)s"),
    "aid_ceiling": _l("Plafon bantuan #%(id)s"),
    "design": _l("Desain #%(id)s"),
    "design_file": _l("Gambar desain #%(id)s"),
    "import_batch": _l("Impor #%(id)s"),
    "price_item": _l("Harga satuan #%(id)s"),
    "price_list": _l("Daftar harga #%(id)s"),
    "rab": _l("RAB #%(id)s"),
    "rab_template_line": _l("Baris templat RAB #%(id)s"),
    "work_item": _l("Item pekerjaan #%(id)s"),
}

FIELDS = {
    "agency_id": _l("Lembaga tujuan"),
    "programme": _l("Program"),
    "letter_number": _l("Nomor surat"),
    "letter_date": _l("Tanggal surat"),
    "purpose": _l("Keperluan"),
    "signer_id": _l("Penanda tangan"),
    "answer_code": _l("Jawaban"),
    "answer_text": _l("Isi jawaban"),
    "answer_date": _l("Tanggal jawaban"),
    "next_step": _l("Langkah berikutnya"),
    "status_link_id": _l("Tautan status"),
    "revoked": _l("Tautan dicabut"),
    "format": _l("Format"),
    "survivor": _l("Data yang dipertahankan"),
    "merged": _l("Data yang digabung"),
    "merged_into_id": _l("Digabung ke pemohon"),
    "moved_case_ids": _l("Kasus yang dipindahkan"),
    "moved_back_case_ids": _l("Kasus yang dikembalikan"),
    "restored_applicant_id": _l("Pemohon yang dipulihkan"),
    "merge_id": _l("Penggabungan"),
    "active": _l("Aktif"),
    "added": _l("Anggota ditambahkan"),
    "annotation": _l("Catatan"),
    "assignee_id": _l("Petugas"),
    "attendee_added": _l("Peserta ditambahkan"),
    "attendees": _l("Peserta"),
    "case": _l("Kasus"),
    "case_id": _l("Kasus"),
    "case_ids": _l("Kasus"),
    "cases": _l("Kasus"),
    "cases_moved": _l("Kasus yang batas waktunya dihitung ulang"),
    "cases_served": _l("Kasus dilayani"),
    "category": _l("Kategori"),
    "closure_summary": _l("Ringkasan penutupan"),
    "code": _l("Kode"),
    "collective_leave_off": _l("Cuti bersama dihitung hari libur"),
    "comment": _l("Komentar"),
    "duration_minutes": _l("Durasi (menit)"),
    "email": _l("Email"),
    "end_date": _l("Tanggal selesai"),
    "end_time": _l("Jam selesai"),
    "entries": _l("Kegiatan"),
    "event_id": _l("Tindak lanjut"),
    "field_supervisor_id": _l("Pembimbing lapangan"),
    "field_visits": _l("Kunjungan lapangan"),
    "first_response_days": _l("Respons pertama (hari kerja)"),
    "from_unit_id": _l("Dari unit"),
    "full_name": _l("Nama lengkap"),
    "held_on": _l("Tanggal"),
    "households_count": _l("Jumlah rumah tangga"),
    "intern_id": _l("Peserta magang"),
    "kind": _l("Jenis"),
    "label": _l("Label"),
    "list": _l("Daftar"),
    "member": _l("Anggota"),
    "min_ikm": _l("IKM minimal"),
    "minutes": _l("Durasi (menit)"),
    "mode": _l("Cara pengisian"),
    "must_change_password": _l("Wajib ganti kata sandi"),
    "name": _l("Nama"),
    "notes": _l("Catatan"),
    "number": _l("No. kasus"),
    "other_sessions_ended": _l("Sesi lain diakhiri"),
    "outcome": _l("Hasil layanan"),
    "participants_count": _l("Jumlah peserta"),
    "photo": _l("Foto"),
    "place": _l("Tempat"),
    "provinces": _l("Provinsi wilayah kerja"),
    "query": _l("Filter"),
    "reason": _l("Alasan"),
    "resolution_days": _l("Penyelesaian (hari kerja)"),
    "role": _l("Peran"),
    "seed": _l("Benih acak"),
    "service": _l("Layanan"),
    "services": _l("Layanan"),
    "session_id": _l("Sosialisasi"),
    "sessions_ended": _l("Sesi diakhiri"),
    "staff": _l("Petugas"),
    "start_date": _l("Tanggal mulai"),
    "start_time": _l("Jam mulai"),
    "status": _l("Status"),
    "study_programme": _l("Program studi"),
    "timezone": _l("Zona waktu"),
    "to_unit_id": _l("Ke unit"),
    "topic": _l("Topik"),
    "transfer_id": _l("Pemindahan"),
    "unit": _l("Unit"),
    "unit_id": _l("Unit"),
    "university": _l("Perguruan tinggi"),
    "user_id": _l("Peserta magang"),
    "username": _l("Nama pengguna"),
    "week_start": _l("Minggu mulai"),
    "within_sla_pct": _l("Ditutup dalam batas waktu (%)"),
    "work_date": _l("Tanggal"),
    "year": _l("Tahun"),
    "description": _l("Uraian"),
    "province_code": _l("Provinsi"),
    "regency_code": _l("Kabupaten/kota"),
    "district_code": _l("Kecamatan"),
    "village_code": _l("Desa/kelurahan"),
    "gender": _l("Jenis kelamin"),
    "group_kind": _l("Jenis kelompok"),
}

# bookkeeping a reader does not need (the optimistic-lock counter)
HIDDEN = {"version"}

OTHER_VALUES = {
    "link": _l("Tautan"),
    "kiosk": _l("Kiosk (tablet)"),
    "week_locked": _l("minggu itu sudah diajukan atau disetujui"),
}

# the enumeration of a field's values; (entity, field) first where one name means two things
ENUM_OF: dict[object, type[LabelledEnum]] = {
    ("case", "status"): CaseStatus,
    ("work_week", "status"): WeekStatus,
    ("unit", "kind"): UnitKind,
    ("case", "kind"): EventKind,
    "outcome": Outcome,
    "role": Role,
    "category": WorkCategory,
    "service": ServiceType,
    "services": ServiceType,
    "list": ReferenceList,
    "gender": Gender,
    "group_kind": GroupKind,
    "answer_code": ReferralAnswer,
}

USER_FIELDS = {"assignee_id", "field_supervisor_id", "intern_id", "user_id", "staff", "signer_id"}
UNIT_FIELDS = {"unit_id", "from_unit_id", "to_unit_id"}
CASE_FIELDS = {"case_id", "case_ids", "moved_case_ids", "moved_back_case_ids"}

ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
ISO_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")


@dataclass
class Change:
    label: str
    before: str | None  # None: the field was not there before (a creation)
    after: str | None  # None: the record went away (a deletion)


@dataclass
class AuditLine:
    row: AuditLog
    action: str
    entity: str
    changes: list[Change] = field(default_factory=list)


@dataclass
class _Names:
    users: dict[int, str]
    units: dict[int, str]
    cases: dict[int, str]
    agencies: dict[int, str] = field(default_factory=dict)


def action_label(code: str) -> str:
    label = ACTIONS.get(code)
    return str(label) if label is not None else code


def entity_label(code: str) -> str:
    label = ENTITIES.get(code)
    return str(label) if label is not None else code


def record_label(code: str, entity_id: int | None) -> str:
    """`Case #12`: the kind of record and its id, or the kind alone (a sign-in, a setting)."""
    label = ENTITY_ROWS.get(code)
    if entity_id is None or label is None:
        return entity_label(code) if entity_id is None else f"{entity_label(code)} #{entity_id}"
    return str(label) % {"id": entity_id}


def action_choices() -> list[tuple[str, str]]:
    """(code, label) of every action the app writes, by label: the filter's list."""
    return sorted(((code, str(label)) for code, label in ACTIONS.items()), key=lambda c: c[1].lower())


def entity_choices(codes: list[str]) -> list[tuple[str, str]]:
    return sorted(((code, entity_label(code)) for code in codes), key=lambda c: c[1].lower())


def _ids(value) -> list[int]:
    values = value if isinstance(value, list) else [value]
    return [v for v in values if isinstance(v, int) and not isinstance(v, bool)]


def _names(rows: list[AuditLog]) -> _Names:
    """People, units and cases named by the rows on the page: three queries, whatever the rows."""
    wanted: dict[str, set[int]] = {"user": set(), "unit": set(), "case": set(), "agency": set()}
    for row in rows:
        for data in (row.before, row.after):
            for key, value in (data or {}).items() if isinstance(data, dict) else ():
                kind = "user" if key in USER_FIELDS else "unit" if key in UNIT_FIELDS else None
                kind = "case" if key in CASE_FIELDS else "agency" if key == "agency_id" else kind
                if kind:
                    wanted[kind].update(_ids(value))
    users = db.session.execute(select(User.id, User.full_name).where(User.id.in_(wanted["user"])))
    units = db.session.execute(select(Unit.id, Unit.name).where(Unit.id.in_(wanted["unit"])))
    cases = db.session.execute(select(Case.id, Case.number).where(Case.id.in_(wanted["case"])))
    agencies = db.session.execute(select(Agency.id, Agency.name).where(Agency.id.in_(wanted["agency"])))
    return _Names(
        {i: n for i, n in users},
        {i: n for i, n in units},
        {i: n for i, n in cases},
        {i: n for i, n in agencies},
    )


def _value(entity: str, key: str, value, names: _Names) -> str:
    if value is None or value == "" or value == []:
        return "–"
    if isinstance(value, bool):
        return _("Ya") if value else _("Tidak")
    if isinstance(value, list):
        return ", ".join(_value(entity, key, v, names) for v in value)
    if isinstance(value, dict):
        return "; ".join(f"{_field(k)}: {_value(entity, k, v, names)}" for k, v in value.items())
    if isinstance(value, int) and not isinstance(value, float):
        lookup = (
            names.users
            if key in USER_FIELDS
            else names.units
            if key in UNIT_FIELDS
            else names.cases
            if key in CASE_FIELDS
            else names.agencies
            if key == "agency_id"
            else None
        )
        if lookup is not None:
            return lookup.get(value, f"#{value}")
    if isinstance(value, str) and key == "programme":  # a referral's programme: its name (config)
        return dict(current_app.config.get("KRS_REFERRAL_PROGRAMMES", ())).get(value, value)
    if isinstance(value, str):
        enum_cls = ENUM_OF.get((entity, key)) or ENUM_OF.get(key)
        if enum_cls is not None and enum_cls.has(value):
            return enum_cls(value).label
        if value in OTHER_VALUES:
            return str(OTHER_VALUES[value])
        try:  # a stored value may be anything a form accepted (year 9999 included): shown as is then
            if ISO_DATETIME.match(value):
                return fmt_datetime(datetime.fromisoformat(value))
            if ISO_DATE.match(value):
                return fmt_date(date.fromisoformat(value))
        except (ValueError, OverflowError):
            return value
    return str(value)


def _field(key: str) -> str:
    label = FIELDS.get(key)
    return str(label) if label is not None else key.replace("_", " ")


def _changes(row: AuditLog, names: _Names) -> list[Change]:
    before = row.before if isinstance(row.before, dict) else {}
    after = row.after if isinstance(row.after, dict) else {}
    changes = []
    for key in [*before, *(k for k in after if k not in before)]:
        if key in HIDDEN:
            continue
        old = _value(row.entity, key, before[key], names) if key in before else None
        new = _value(row.entity, key, after[key], names) if key in after else None
        if before and after and old == new:
            continue  # unchanged: the snapshot's other fields
        changes.append(Change(_field(key), old, new))
    return changes


def lines(rows: list[AuditLog]) -> list[AuditLine]:
    names = _names(rows)
    return [
        AuditLine(
            row, action_label(row.action), record_label(row.entity, row.entity_id), _changes(row, names)
        )
        for row in rows
    ]
