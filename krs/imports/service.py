"""Importing an office's backlog from Excel (issue 16, part 4).

The flow: `upload` keeps the XLSX (checked by content) and reads its header row; the officer maps
columns (`guess_mapping` pre-selects them from Indonesian or English headers); `start_check` queues
the dry run, which reads every row and lists each one's problems without writing anything; the
officer confirms (`start_import`) and the import job creates the applicants and cases of the rows
without problems in ONE transaction (or none at all when "stop if any problem" was chosen and a
problem remains); `undo` (admins) removes what an import created if nobody has touched it since.

Both jobs run on the shared queue (krs.jobs): the page polls their progress. Lookups are batched
(the office's NIKs in one query per 500, villages from an in-memory index of the office's
provinces), never one query per row.
"""

from __future__ import annotations

import io
import re
import secrets
import zipfile
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from rapidfuzz import fuzz, process
from sqlalchemy import delete, func, insert, select
from sqlalchemy.orm import joinedload

from krs import access, audit, export_writer, jobs, regions, signals
from krs.extensions import db
from krs.fields import nik_problem_text, normalise_nik, normalise_phone
from krs.formats import in_both_languages
from krs.intake import format_case_number, next_case_seq
from krs.models import (
    Applicant,
    ApplicantKind,
    Case,
    CaseService,
    CaseStatus,
    Channel,
    Event,
    EventKind,
    ExportJob,
    ImportBatch,
    ImportedCase,
    ImportStatus,
    Outcome,
    ServiceType,
    Unit,
    User,
    utcnow,
)
from krs.service_levels import days_for
from krs.storage import StorageError, get_storage
from krs.workdays import add_working_days, local_date

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_ROWS = 20_000  # a larger backlog is split in two files
CHUNK = 500  # ids per IN (...) list
REPORT_LIMIT = 2_000  # problem rows kept in the dry run's report (the counts cover all)
CHECK_KIND, IMPORT_KIND = "imports.check", "imports.import"


class ImportError_(Exception):  # noqa: N801 - the builtin ImportError means something else
    """A step of the import refused; the message is for the officer."""


# ---------------------------------------------------------------- columns and their guesses

TARGETS: list[tuple[str, object, bool]] = [  # (field, label, required)
    ("date", _l("Tanggal"), True),
    ("name", _l("Nama pemohon"), True),
    ("nik", _l("NIK"), True),
    ("phone", _l("Nomor HP"), False),
    ("address", _l("Alamat"), False),
    ("village", _l("Desa/kelurahan"), False),
    ("service", _l("Layanan"), False),
    ("status", _l("Status"), False),
    ("notes", _l("Catatan"), False),
]
TARGET_NAMES = [t[0] for t in TARGETS]
REQUIRED = [t[0] for t in TARGETS if t[2]]


def _words(text: str) -> list[str]:
    return [w.strip() for w in text.split("|") if w.strip()]


SYNONYMS: dict[str, list[str]] = {
    "date": _words(
        "tanggal | tgl | date | tanggal permohonan | tanggal masuk | tanggal datang | tgl masuk | "
        "tanggal kunjungan | waktu | tanggal layanan | created | day"
    ),
    "name": _words(
        "nama | nama pemohon | name | nama lengkap | pemohon | applicant | full name | nama kk | nama "
        "kepala keluarga | applicant name"
    ),
    "nik": _words(
        "nik | no ktp | nomor ktp | ktp | nomor induk kependudukan | nik pemohon | id number | "
        "national id | nik ktp"
    ),
    "phone": _words(
        "telepon | no hp | hp | nomor hp | no telp | telp | no wa | wa | whatsapp | phone | mobile | "
        "phone number | kontak | no telepon | nomor telepon"
    ),
    "address": _words("alamat | address | alamat lengkap | alamat rumah | jalan | street"),
    "village": _words(
        "desa | kelurahan | desa kelurahan | desa kel | kel desa | village | kel | nama desa | lokasi desa"
    ),
    "service": _words(
        "layanan | jenis layanan | service | services | kebutuhan | keperluan | jenis bantuan | "
        "konsultasi | topik | service type"
    ),
    "status": _words("status | keadaan | status kasus | status layanan | progress | state"),
    "notes": _words(
        "catatan | keterangan | notes | note | uraian | deskripsi | description | ket | remarks | "
        "hasil | tindak lanjut"
    ),
}


def _norm(text) -> str:
    return re.sub(r"[^a-z0-9]+", " ", str(text or "").lower()).strip()


def guess_mapping(headers: list[str]) -> dict[str, int | None]:
    """Each target field's column (index in `headers`), guessed from the header names: an exact
    synonym first, then a header made of a synonym's words, then a close spelling. A column serves
    one field at most; fields without a good guess stay None (the officer picks)."""
    scored: list[tuple[float, str, int]] = []
    for index, header in enumerate(headers):
        h = _norm(header)
        if not h:
            continue
        words = set(h.split())
        for target, synonyms in SYNONYMS.items():
            best = 0.0
            for syn in synonyms:
                if h == syn:
                    best = max(best, 100.0)
                elif set(syn.split()) <= words:
                    best = max(best, 70.0 + len(syn) / 10 - len(words))
                else:
                    ratio = fuzz.ratio(h, syn)
                    if ratio >= 85:
                        best = max(best, ratio - 30)
            if best:
                scored.append((best, target, index))
    mapping: dict[str, int | None] = dict.fromkeys(TARGET_NAMES)
    used: set[int] = set()
    for _score, target, index in sorted(scored, key=lambda s: (-s[0], s[2])):
        if mapping[target] is None and index not in used:
            mapping[target] = index
            used.add(index)
    return mapping


# ---------------------------------------------------------------- cell values

MONTHS = {
    "jan": 1,
    "januari": 1,
    "january": 1,
    "feb": 2,
    "februari": 2,
    "pebruari": 2,
    "february": 2,
    "mar": 3,
    "maret": 3,
    "march": 3,
    "apr": 4,
    "april": 4,
    "mei": 5,
    "may": 5,
    "jun": 6,
    "juni": 6,
    "june": 6,
    "jul": 7,
    "juli": 7,
    "july": 7,
    "agu": 8,
    "agt": 8,
    "ags": 8,
    "agustus": 8,
    "aug": 8,
    "august": 8,
    "sep": 9,
    "sept": 9,
    "september": 9,
    "okt": 10,
    "oktober": 10,
    "oct": 10,
    "october": 10,
    "nov": 11,
    "nopember": 11,
    "november": 11,
    "des": 12,
    "desember": 12,
    "dec": 12,
    "december": 12,
}
_NUMERIC_DATE = re.compile(r"^(\d{1,2})[/\-.](\d{1,2})[/\-.](\d{2}|\d{4})$")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T].*)?$")
_WORD_DATE = re.compile(r"^(\d{1,2})[\s\-]+([a-z]+)\.?[\s\-]+(\d{4})$")


def parse_date(value) -> date | None:
    """A date as offices type it: an Excel date, "27/11/2026", "27-11-2026", "27.11.26",
    "2026-11-27", "27 Nov 2026", "27 November 2026" (day first, Indonesian or English months)."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        if 1 <= value < 2_958_466:  # an Excel serial day number the cell's format did not mark
            try:
                found = export_writer.excel_serial_date(value)
            except (ValueError, OverflowError):
                return None
            return found.date() if isinstance(found, datetime) else found
        return None
    text = str(value).strip().lower()
    try:
        if m := _NUMERIC_DATE.match(text):
            day, month, year = (int(g) for g in m.groups())
            return date(year + 2000 if year < 100 else year, month, day)
        if m := _ISO_DATE.match(text):
            year, month, day = (int(g) for g in m.groups())
            return date(year, month, day)
        if m := _WORD_DATE.match(text):
            month = MONTHS.get(m.group(2))
            return date(int(m.group(3)), month, int(m.group(1))) if month else None
    except ValueError:
        return None
    return None


_SERVICE_WORDS: dict[str, list[str]] = {
    ServiceType.PROGRAM_INFO: _words(
        "informasi program | info program | informasi | bsps | bp2bt | flpp | tapera | bantuan | "
        "program | program info | program information"
    ),
    ServiceType.HOUSE_DESIGN: _words(
        "desain | desain rumah | design | gambar | gambar rumah | denah | house design"
    ),
    ServiceType.COST_ESTIMATE: _words(
        "rab | anggaran | biaya | rencana anggaran biaya | estimasi biaya | cost estimate"
    ),
    ServiceType.CONSTRUCTION: _words(
        "konstruksi | teknik konstruksi | teknis | konsultasi teknis | construction | bangunan"
    ),
    ServiceType.PERMITS: _words(
        "pbg | imb | izin | perizinan | sertifikat | sertifikat tanah | permits | permit | legalitas"
    ),
    ServiceType.FINANCING: _words("pembiayaan | kredit | kpr | akses pembiayaan | financing | bank"),
    ServiceType.OTHER: _words("lainnya | lain lain | lain | other | umum"),
}
SERVICE_WORDS: dict[str, str] = {w: str(s) for s, words in _SERVICE_WORDS.items() for w in words}
_SPLIT = re.compile(r"\s*(?:[,;/+&]|\bdan\b|\band\b)\s*")


def parse_services(value) -> tuple[list[str], list[str]]:
    """(service types, words not understood). An empty cell is "other"."""
    text = str(value or "").strip()
    if not text:
        return [ServiceType.OTHER.value], []
    found: list[str] = []
    unknown: list[str] = []
    for part in _SPLIT.split(text):
        key = _norm(part)
        if not key:
            continue
        service = SERVICE_WORDS.get(key)
        if service is None:  # "konsultasi desain rumah": a known word inside
            service = next((s for w, s in SERVICE_WORDS.items() if len(w) > 3 and w in key), None)
        if service is None and ServiceType.has(key.replace(" ", "_")):
            service = ServiceType(key.replace(" ", "_"))
        if service is None:
            unknown.append(part.strip())
        elif str(service) not in found:
            found.append(str(service))
    return found, unknown


# status word -> (status, outcome when closed). Open cases come in as "Baru" (no officer yet): the
# supervisor assigns them after the import. Closed ones keep the outcome their word says.
_STATUS_WORDS: dict[tuple[str, str | None], list[str]] = {
    (CaseStatus.NEW, None): _words(
        "baru | new | masuk | belum | terbuka | open | proses | diproses | dalam proses | "
        "ditindaklanjuti | tindak lanjut | ditugaskan | in progress | pending | menunggu | assigned"
    ),
    (CaseStatus.CLOSED, Outcome.RESOLVED): _words(
        "selesai | ditutup | tutup | tuntas | closed | done | resolved | selesai ditangani"
    ),
    (CaseStatus.CLOSED, Outcome.REFERRED_BSPS): _words("dirujuk bsps | dirujuk ke bsps"),
    (CaseStatus.CLOSED, Outcome.REFERRED_FINANCING): _words("dirujuk pembiayaan | dirujuk ke bank"),
    (CaseStatus.CLOSED, Outcome.REFERRED_LOCAL_GOV): _words("dirujuk pemda | dirujuk ke pemda"),
    (CaseStatus.CLOSED, Outcome.NOT_ELIGIBLE): _words("tidak memenuhi syarat | tidak layak"),
    (CaseStatus.CLOSED, Outcome.WITHDRAWN): _words("batal | dibatalkan | mundur"),
    (CaseStatus.CLOSED, Outcome.UNREACHABLE): _words("tidak dapat dihubungi | tidak bisa dihubungi"),
}
STATUS_WORDS: dict[str, tuple[str, str | None]] = {
    w: (str(st), str(out) if out else None) for (st, out), words in _STATUS_WORDS.items() for w in words
}


def parse_status(value) -> tuple[str, str | None] | None:
    """(status, outcome) of a status cell; an empty cell is a new case; None when not understood."""
    key = _norm(value)
    if not key:
        return CaseStatus.NEW.value, None
    return STATUS_WORDS.get(key)


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


# ---------------------------------------------------------------- villages

_CODE = re.compile(r"^\d{2}\.\d{2}\.\d{2}\.\d{4}$")
_PREFIX = re.compile(r"^(desa|kelurahan|kel|ds|dusun|kampung|nagari|gampong)\.?\s+")
_HINT_PREFIX = re.compile(r"^(kecamatan|kec|kabupaten|kab|kota|distrik|provinsi|prov)\.?\s+")


def _place(text: str, prefix=_PREFIX) -> str:
    return prefix.sub("", _norm(text.replace(".", ". "))).strip()


@dataclass
class VillageMatch:
    code: str | None  # the village's Kemendagri code when found for sure
    guess: str | None = None  # best guess when not: "32.04.12.2003 Sukamaju, Cimaung, Kab. Bandung"
    problem: str | None = None


class VillageIndex:
    """The villages of the office's provinces (all provinces when the office lists none), by
    normalised name, with their district and regency names for "Desa X, Kec. Y" cells."""

    def __init__(self, province_codes: list[str]):
        self.by_name: dict[str, list[str]] = defaultdict(list)
        self.paths: dict[str, tuple[str, str, str]] = {}  # code -> (village, district, regency) names
        self.codes: set[str] = set()
        provinces = province_codes or [c for c, _n in regions.children(None)]
        for province in provinces:
            for regency, regency_name in regions.children(province):
                for district, district_name in regions.children(regency):
                    for village, village_name in regions.children(district):
                        self.by_name[_place(village_name)].append(village)
                        self.paths[village] = (village_name, district_name, regency_name)
                        self.codes.add(village)
        self.names = list(self.by_name)
        self._cache: dict[str, VillageMatch] = {}

    def label(self, code: str) -> str:
        village, district, regency = self.paths.get(code, (code, "", ""))
        return f"{code} {village}, {district}, {regency}".strip(", ")

    def lookup(self, text: str) -> VillageMatch:
        key = (text or "").strip()
        if key not in self._cache:
            self._cache[key] = self._lookup(key)
        return self._cache[key]

    def _lookup(self, text: str) -> VillageMatch:
        if not text:
            return VillageMatch(None)
        if _CODE.match(text) or (text.isdigit() and len(text) == 10):
            code = text if "." in text else f"{text[:2]}.{text[2:4]}.{text[4:6]}.{text[6:]}"
            if code in self.codes:
                return VillageMatch(code)
            return VillageMatch(
                None, None, _l("Kode desa %(code)s tidak ada di wilayah kantor ini.", code=code)
            )
        parts = [p for p in (s.strip() for s in text.split(",")) if p]
        name = _place(parts[0])
        hints = [_place(p, _HINT_PREFIX) for p in parts[1:]]
        candidates = self.by_name.get(name, [])
        if hints and len(candidates) > 1:
            narrowed = [
                c
                for c in candidates
                if all(
                    h in (_place(self.paths[c][1], _HINT_PREFIX), _place(self.paths[c][2], _HINT_PREFIX))
                    for h in hints
                )
            ]
            candidates = narrowed or candidates
        if len(candidates) == 1:
            return VillageMatch(candidates[0])
        if len(candidates) > 1:
            shown = "; ".join(self.label(c) for c in candidates[:3])
            return VillageMatch(
                None,
                self.label(candidates[0]),
                _l(
                    'Nama desa ada di %(n)s kecamatan; tulis "Desa, Kecamatan" atau kodenya: %(list)s',
                    n=len(candidates),
                    list=shown,
                ),
            )
        best = process.extractOne(name, self.names, scorer=fuzz.WRatio, score_cutoff=70) if name else None
        guess = self.label(self.by_name[best[0]][0]) if best else None
        return VillageMatch(None, guess, _l("Desa tidak dikenal di wilayah kantor ini."))


# ---------------------------------------------------------------- reading and checking rows


def sheet_rows_estimate(data: bytes) -> int | None:
    """The rows under the header as the sheet declares them (Excel writes its size; some writers
    do not: None), for the dry run's progress bar."""
    book = export_writer.open_xlsx(data)
    try:
        size = book.worksheets[0].max_row
    finally:
        book.close()
    return size - 1 if size and size > 1 else None


def read_sheet(data: bytes):
    """(headers, rows) of the first sheet; rows yields (row number, cells) for non-empty rows."""
    book = export_writer.open_xlsx(data)
    sheet = book.worksheets[0]
    rows = sheet.iter_rows(values_only=True)
    try:
        header = next(rows)
    except StopIteration:
        book.close()
        return [], iter(())
    headers = [_cell_text(h) for h in header]

    def body():
        try:
            for number, cells in enumerate(rows, start=2):
                if cells and any(c not in (None, "") for c in cells):
                    yield number, cells
        finally:
            book.close()

    return headers, body()


@dataclass
class Row:
    number: int
    name: str
    nik: str
    phone: str | None
    address: str
    village: str | None
    day: date | None
    services: list[str]
    status: str
    outcome: str | None
    notes: str
    problems: list[dict] = field(default_factory=list)


@dataclass
class CheckResult:
    rows: list[Row]
    total: int
    counts: Counter

    @property
    def problem_rows(self) -> list[Row]:
        return [r for r in self.rows if r.problems]

    @property
    def ok_rows(self) -> list[Row]:
        return [r for r in self.rows if not r.problems]


def _masked(nik: str) -> str:
    return access.mask_middle(nik, 4, 2)


def existing_niks(unit_id: int, niks: set[str]) -> set[str]:
    """The NIKs among `niks` this office already holds an applicant for (a query per 500)."""
    found: set[str] = set()
    ordered = sorted(niks)
    for lo in range(0, len(ordered), CHUNK):
        part = ordered[lo : lo + CHUNK]
        found.update(
            db.session.scalars(
                select(Applicant.nik).where(Applicant.created_by_unit_id == unit_id, Applicant.nik.in_(part))
            )
        )
    return found


def check_rows(
    batch: ImportBatch, data: bytes, progress=None, today: date | None = None, total: int | None = None
) -> CheckResult:
    """Every row of the file with its problems; nothing is written."""
    mapping = {k: v for k, v in (batch.mapping or {}).items() if v is not None}
    unit = batch.unit
    today = today or local_date(utcnow(), unit.timezone)
    _headers, body = read_sheet(data)
    index = VillageIndex([c for c in (unit.provinces or "").split(",") if c.strip()])

    def cell(cells, target):
        i = mapping.get(target)
        return cells[i] if i is not None and i < len(cells) else None

    rows: list[Row] = []
    first_row_of: dict[str, int] = {}
    for number, cells in body:
        if len(rows) >= MAX_ROWS:
            raise ImportError_(
                _("Berkas berisi lebih dari %(n)s baris. Bagi menjadi beberapa berkas.", n=MAX_ROWS)
            )
        problems: list[dict] = []
        name = _cell_text(cell(cells, "name"))
        if not name:
            problems.append({"code": "name", "message": _l("Nama kosong.")})
        nik = normalise_nik(_cell_text(cell(cells, "nik")))
        problem = nik_problem_text(nik) if nik else _l("NIK kosong.")
        if problem:
            problems.append({"code": "nik", "message": problem})
        elif nik in first_row_of:
            problems.append(
                {"code": "duplicate", "message": _l("NIK sama dengan baris %(row)s.", row=first_row_of[nik])}
            )
        else:
            first_row_of[nik] = number
        raw_date = cell(cells, "date")
        day = parse_date(raw_date)
        if day is None:
            message = (
                _l("Tanggal kosong.")
                if raw_date in (None, "")
                else _l(
                    'Tanggal "%(value)s" tidak dikenali (contoh: 27/11/2026).',
                    value=_cell_text(raw_date)[:30],
                )
            )
            problems.append({"code": "date", "message": message})
        elif day > today or day.year < 2000:
            problems.append(
                {"code": "date", "message": _l("Tanggal %(value)s di luar rentang.", value=day.isoformat())}
            )
        village_text = _cell_text(cell(cells, "village"))
        match = index.lookup(village_text)
        if match.problem:
            entry = {"code": "village", "message": match.problem}
            if match.guess:
                entry["guess"] = match.guess
            problems.append(entry)
        services, unknown = parse_services(cell(cells, "service"))
        if unknown:
            problems.append(
                {
                    "code": "service",
                    "message": _l("Layanan tidak dikenali: %(words)s.", words=", ".join(unknown)[:80]),
                }
            )
        status = parse_status(cell(cells, "status"))
        if status is None:
            problems.append(
                {
                    "code": "status",
                    "message": _l(
                        'Status "%(value)s" tidak dikenali.', value=_cell_text(cell(cells, "status"))[:30]
                    ),
                }
            )
            status = (CaseStatus.NEW.value, None)
        rows.append(
            Row(
                number=number,
                name=name[:150],
                nik=nik,
                phone=normalise_phone(_cell_text(cell(cells, "phone"))),
                address=_cell_text(cell(cells, "address"))[:250],
                village=match.code,
                day=day,
                services=services or [ServiceType.OTHER.value],
                status=status[0],
                outcome=status[1],
                notes=_cell_text(cell(cells, "notes")),
                problems=problems,
            )
        )
        if progress is not None and len(rows) % jobs.PROGRESS_EVERY == 0:
            progress(len(rows), total)
    # already an applicant of this office (DESIGN.md §3: applicants are per office): one query per 500
    known = existing_niks(unit.id, {r.nik for r in rows if r.nik and not r.problems})
    for row in rows:
        if row.nik in known and not any(p["code"] in ("nik", "duplicate") for p in row.problems):
            row.problems.append(
                {"code": "duplicate", "message": _l("NIK sudah terdaftar sebagai pemohon kantor ini.")}
            )
    counts = Counter(p["code"] for r in rows for p in r.problems)
    return CheckResult(rows, len(rows), counts)


def report_of(result: CheckResult) -> list[dict]:
    """The dry run's report as stored: each problem row (masked NIK, never the full one)."""
    shown = result.problem_rows[:REPORT_LIMIT]
    return [
        {"row": r.number, "name": r.name, "nik": _masked(r.nik), "problems": _in_both_languages(r.problems)}
        for r in shown
    ]


def _in_both_languages(problems: list[dict]) -> list[dict]:
    """A problem's message kept in Indonesian and in English: the report is read later by people
    of either language (the messages are lazy until here)."""
    stored = []
    for p in problems:
        entry = dict(p)
        with force_locale("id"):
            entry["message"] = str(p["message"])
        with force_locale("en"):
            entry["message_en"] = str(p["message"])
        stored.append(entry)
    return stored


# ---------------------------------------------------------------- steps the officer takes


def sniff_xlsx(data: bytes) -> bool:
    """An XLSX is a zip holding xl/workbook.xml: decided by content, not by the file's name."""
    if not data.startswith(b"PK\x03\x04"):
        return False
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return "xl/workbook.xml" in archive.namelist()
    except zipfile.BadZipFile:
        return False


def upload(actor: User, unit: Unit, file_storage) -> ImportBatch:
    """Keep the uploaded XLSX in the storage and record the batch with its header row."""
    if not access.can_import_backlog(actor, unit.id):
        raise ImportError_(_("Anda tidak dapat mengimpor data untuk kantor ini."))
    max_bytes = current_app.config.get("MAX_UPLOAD_BYTES", 10 * 1024 * 1024)
    data = file_storage.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise ImportError_(_("Berkas melebihi batas %(mb)s MB.", mb=max_bytes // (1024 * 1024)))
    if not sniff_xlsx(data):
        raise ImportError_(_("Berkas bukan Excel (.xlsx). Simpan ulang sebagai Excel Workbook lalu unggah."))
    try:
        headers, _rows = read_sheet(data)
    except Exception as exc:  # noqa: BLE001 - any reader failure is a broken file for the officer
        raise ImportError_(
            _("Berkas Excel tidak dapat dibaca. Periksa berkasnya lalu unggah ulang.")
        ) from exc
    if not any(headers):
        raise ImportError_(_("Baris pertama berkas harus berisi judul kolom."))
    stored_name = f"import-{secrets.token_hex(16)}.xlsx"
    try:
        get_storage().save(stored_name, data, XLSX_TYPE)
    except StorageError as exc:
        raise ImportError_(_("Berkas tidak dapat disimpan saat ini. Coba lagi beberapa saat lagi.")) from exc
    name = (file_storage.filename or "berkas.xlsx").replace("\\", "/").rsplit("/", 1)[-1][:200]
    batch = ImportBatch(
        unit_id=unit.id,
        created_by_id=actor.id,
        file_name=name,
        stored_name=stored_name,
        status=ImportStatus.UPLOADED,
        headers=headers[:60],
        mapping=guess_mapping(headers[:60]),
    )
    db.session.add(batch)
    db.session.flush()
    audit.record(actor, "import.upload", "import_batch", batch.id, None, {"file": name, "unit": unit.code})
    db.session.commit()
    return batch


def can_change_mapping(batch: ImportBatch) -> bool:
    return batch.status in (ImportStatus.UPLOADED, ImportStatus.CHECKED, ImportStatus.FAILED) and bool(
        batch.stored_name
    )


def start_check(actor: User, batch: ImportBatch, mapping: dict, stop_on_problem: bool) -> ImportBatch:
    """Save the mapping and queue the dry run."""
    if not can_change_mapping(batch):
        raise ImportError_(_("Impor ini tidak dapat diperiksa ulang."))
    missing = [str(label) for name, label, required in TARGETS if required and mapping.get(name) is None]
    if missing:
        raise ImportError_(_("Pilih kolom untuk: %(fields)s.", fields=", ".join(missing)))
    columns = [v for v in mapping.values() if v is not None]
    if len(columns) != len(set(columns)):
        raise ImportError_(_("Satu kolom hanya boleh dipakai untuk satu isian."))
    batch.mapping = {name: mapping.get(name) for name in TARGET_NAMES}
    batch.stop_on_problem = bool(stop_on_problem)
    batch.status, batch.error, batch.report = ImportStatus.CHECKING, None, None
    audit.record(actor, "import.check", "import_batch", batch.id, None, {"mapping": batch.mapping})
    db.session.commit()
    job = jobs.submit(actor, CHECK_KIND, {"batch_id": batch.id})
    _attach_job(batch.id, job)
    return batch


def start_import(actor: User, batch: ImportBatch) -> ImportBatch:
    """The officer confirmed the dry run: queue the import."""
    if batch.status != ImportStatus.CHECKED:
        raise ImportError_(_("Jalankan pemeriksaan (uji coba) dulu, lalu konfirmasi."))
    if not access.can_import_backlog(actor, batch.unit_id):
        raise ImportError_(_("Anda tidak dapat mengimpor data untuk kantor ini."))
    if batch.stop_on_problem and batch.problem_rows:
        raise ImportError_(
            _(
                'Ada baris bermasalah dan Anda memilih "hentikan bila ada masalah". '
                "Perbaiki berkas lalu unggah ulang."
            )
        )
    if not batch.ok_rows:
        raise ImportError_(_("Tidak ada baris yang dapat diimpor."))
    batch.status, batch.error = ImportStatus.IMPORTING, None
    batch.imported_by_id = actor.id
    audit.record(actor, "import.confirm", "import_batch", batch.id, None, {"rows": batch.ok_rows})
    db.session.commit()
    job = jobs.submit(actor, IMPORT_KIND, {"batch_id": batch.id})
    _attach_job(batch.id, job)
    return batch


def _attach_job(batch_id: int, job: ExportJob) -> None:
    """Remember the job on the batch (it may have run already, when the queue runs at once)."""
    batch = db.session.get(ImportBatch, batch_id)
    db.session.refresh(batch)
    batch.job_id = job.id
    db.session.commit()


def _read_file(batch: ImportBatch) -> bytes:
    if not batch.stored_name:
        raise ImportError_(_("Berkas impor sudah tidak tersimpan. Unggah ulang."))
    return get_storage().read(batch.stored_name)


def _fail(batch_id: int, message: str) -> None:
    db.session.rollback()
    batch = db.session.get(ImportBatch, batch_id)
    if batch is not None:
        batch.status, batch.error = ImportStatus.FAILED, message[:2000]
        db.session.commit()


# ---------------------------------------------------------------- the jobs


def run_check(job: ExportJob, progress) -> None:
    """The dry run (worker): every row's problems into the batch's report."""
    batch_id = (job.params or {}).get("batch_id")
    batch = db.session.get(ImportBatch, batch_id)
    if batch is None or batch.status != ImportStatus.CHECKING:
        return None
    with force_locale("id"):
        try:
            data = _read_file(batch)
            result = check_rows(batch, data, progress, total=sheet_rows_estimate(data))
        except ImportError_ as exc:
            _fail(batch_id, str(exc))
            return None
        except Exception:
            _fail(batch_id, _("Pemeriksaan gagal: berkas tidak dapat dibaca."))
            raise
    progress(result.total, result.total)
    batch.total_rows = result.total
    batch.problem_rows = len(result.problem_rows)
    batch.ok_rows = result.total - batch.problem_rows
    batch.report = report_of(result)
    batch.checked_at = utcnow()
    batch.status = ImportStatus.CHECKED
    db.session.commit()
    return None


def run_import(job: ExportJob, progress) -> None:
    """The import (worker): rows checked again (the office may have registered some NIKs since the
    dry run), then every row without problems becomes an applicant and a case, in one transaction."""
    batch_id = (job.params or {}).get("batch_id")
    batch = db.session.get(ImportBatch, batch_id)
    if batch is None or batch.status != ImportStatus.IMPORTING:
        return None
    actor = db.session.get(User, batch.imported_by_id or batch.created_by_id)
    with force_locale("id"):
        try:
            expected = batch.total_rows or 0
            # the bar: the rows checked again, then the cases written
            result = check_rows(
                batch, _read_file(batch), progress, total=expected + (batch.ok_rows or 0) or None
            )
            if batch.stop_on_problem and result.problem_rows:
                raise ImportError_(
                    _(
                        "%(n)s baris bermasalah; sesuai pilihan Anda tidak ada yang diimpor.",
                        n=len(result.problem_rows),
                    )
                )
            if not result.ok_rows:
                raise ImportError_(_("Tidak ada baris yang dapat diimpor."))
            progress(result.total, result.total + len(result.ok_rows))
            created = create_cases(actor, batch, result.ok_rows, progress, offset=result.total)
        except ImportError_ as exc:
            _fail(batch_id, str(exc))
            return None
        except Exception:
            _fail(batch_id, _("Impor gagal; tidak ada data yang disimpan. Coba lagi atau hubungi admin."))
            raise
    batch.status = ImportStatus.IMPORTED
    batch.imported_at = utcnow()
    batch.total_rows = result.total
    batch.problem_rows = len(result.problem_rows)
    batch.ok_rows = len(result.ok_rows)
    batch.report = report_of(result)
    batch.cases_created, batch.applicants_created = created, created
    audit.record(
        actor,
        "import.apply",
        "import_batch",
        batch.id,
        None,
        {
            "file": batch.file_name,
            "cases": created,
            "skipped": len(result.problem_rows),
            "unit": batch.unit.code,
        },
    )
    db.session.commit()  # the one transaction: applicants, cases, events, audit rows and the record
    _discard_file(batch)
    return None


def _discard_file(batch: ImportBatch) -> None:
    """The import is done: the uploaded file (personal data) is not kept."""
    try:
        get_storage().delete(batch.stored_name)
    except StorageError:
        current_app.logger.warning("import file %s left in the store", batch.stored_name)
    batch.stored_name = None
    db.session.commit()


def _opened_at(day: date, tz_name: str) -> datetime:
    """A past case's moment: 09:00 on its day in the office's zone (the sheet has no time)."""
    return datetime.combine(day, time(9, 0), ZoneInfo(tz_name)).astimezone(UTC)


def create_cases(actor: User, batch: ImportBatch, rows: list[Row], progress=None, offset: int = 0) -> int:
    """Applicants, cases (numbered per unit and year), their "imported" event and audit rows, in the
    caller's transaction. The numbers of each year are taken as one run from the unit's counter.

    10,000 rows as ORM objects take minutes; as multi-row INSERT statements (SQLAlchemy's bulk
    insert, ids back through RETURNING) seconds. What the ORM's flush hooks would have done is done
    here: the dashboards' totals hear of the new cases through `signals.cases_loaded`."""
    unit = batch.unit
    now = utcnow()
    ordered = sorted(rows, key=lambda r: (r.day, r.number))  # numbers follow the cases' dates
    by_year: Counter = Counter(r.day.year for r in ordered)
    seqs: dict[int, int] = {}
    for year, count in sorted(by_year.items()):
        seqs[year] = next_case_seq(unit.id, year, count) - count + 1
    # the service levels are read once per combination of services, not once per row
    levels: dict[tuple, tuple[int, int]] = {}
    due_cache: dict[tuple, tuple[date, date]] = {}
    description = _("Kasus lama dari berkas %(file)s.", file=batch.file_name)
    summary = _("Ditutup sebelum data diimpor.")
    body_of, body_en_of = in_both_languages(
        _l("Diimpor dari berkas %(file)s, baris %(row)s.", file=batch.file_name, row="{row}")
    )
    created = 0
    for lo in range(0, len(ordered), 1000):
        part = ordered[lo : lo + 1000]
        opened = [_opened_at(r.day, unit.timezone) for r in part]
        applicant_rows = []
        for row, at in zip(part, opened, strict=True):
            v = row.village
            applicant_rows.append(
                {
                    "kind": ApplicantKind.INDIVIDUAL.value,
                    "name": row.name,
                    "nik": row.nik,
                    "phone": row.phone,
                    "address": row.address or None,
                    "province_code": v[:2] if v else None,
                    "regency_code": v[:5] if v else None,
                    "district_code": v[:8] if v else None,
                    "village_code": v,
                    "consent_given": True,
                    "consent_at": now,
                    "created_by_unit_id": unit.id,
                    "created_at": at,
                    "version": 1,
                }
            )
        applicant_ids = _insert_returning(Applicant, applicant_rows)
        case_rows = []
        for row, at, applicant_id in zip(part, opened, applicant_ids, strict=True):
            key = (row.day, tuple(row.services))
            if key not in due_cache:
                if key[1] not in levels:
                    levels[key[1]] = days_for(row.services)
                first_days, days = levels[key[1]]
                due_cache[key] = (add_working_days(row.day, first_days), add_working_days(row.day, days))
            first_due, resolution_due = due_cache[key]
            year, closed = row.day.year, row.status == CaseStatus.CLOSED
            seq, seqs[year] = seqs[year], seqs[year] + 1
            case_rows.append(
                {
                    "number": format_case_number(unit, year, seq),
                    "unit_id": unit.id,
                    "year": year,
                    "seq": seq,
                    "applicant_id": applicant_id,
                    "channel": Channel.WALK_IN.value,
                    "description": row.notes or description,
                    "priority": "normal",
                    "status": row.status,
                    "created_by_id": actor.id,
                    "created_at": at,
                    "updated_at": now,
                    "first_response_due": first_due,
                    "resolution_due": resolution_due,
                    "outcome": row.outcome if closed else None,
                    "closed_at": at if closed else None,
                    "closure_summary": summary if closed else None,
                    "version": 1,
                }
            )
        case_ids = _insert_returning(Case, case_rows)
        services, events, items, audits = [], [], [], []
        for row, at, case_id, applicant_id, case_row in zip(
            part, opened, case_ids, applicant_ids, case_rows, strict=True
        ):
            services.extend({"case_id": case_id, "service": s} for s in row.services)
            events.append(
                {
                    "case_id": case_id,
                    "kind": EventKind.IMPORTED.value,
                    "author_id": actor.id,
                    "occurred_at": at,
                    "created_at": now,
                    "body": body_of.replace("{row}", str(row.number)),
                    "data": {
                        "batch": batch.id,
                        "file": batch.file_name,
                        "row": row.number,
                        "body_en": body_en_of.replace("{row}", str(row.number)),
                    },
                }
            )
            items.append(
                {
                    "batch_id": batch.id,
                    "row_number": row.number,
                    "case_id": case_id,
                    "applicant_id": applicant_id,
                    "case_version": 1,
                    "applicant_version": 1,
                }
            )
            audits.append(("case.import", "case", case_id, {"number": case_row["number"], "batch": batch.id}))
            audits.append(("applicant.create", "applicant", applicant_id, {"name": row.name}))
        for model, values in ((CaseService, services), (Event, events), (ImportedCase, items)):
            db.session.execute(insert(model), values)
        audit.record_many(actor, audits)
        signals.cases_loaded.send(batch, case_ids=case_ids)
        created += len(case_ids)
        if progress is not None:
            progress(offset + created, live=True)  # the database is held by this transaction
    return created


def _insert_returning(model, values: list[dict]) -> list[int]:
    """Insert many rows in a few statements; their ids in the order of `values`."""
    stmt = insert(model).returning(model.id, sort_by_parameter_order=True)
    return list(db.session.scalars(stmt, values))


jobs.register(CHECK_KIND, run_check, makes_file=False)
jobs.register(IMPORT_KIND, run_import, makes_file=False)


# ---------------------------------------------------------------- undo


@dataclass
class UndoResult:
    cases: int
    applicants: int


def changed_since_import(batch: ImportBatch) -> list[str]:
    """The numbers of the batch's cases someone touched since the import (a follow-up, an
    assignment, an edit, a new case of its applicant), or that are gone already."""
    mine = select(ImportedCase.case_id).where(ImportedCase.batch_id == batch.id)
    changed = set(
        db.session.scalars(
            select(Case.number)
            .join(ImportedCase, ImportedCase.case_id == Case.id)
            .where(ImportedCase.batch_id == batch.id, Case.version != ImportedCase.case_version)
        )
    )
    busy = (
        select(Event.case_id).where(Event.case_id.in_(mine)).group_by(Event.case_id).having(func.count() > 1)
    )
    changed.update(db.session.scalars(select(Case.number).where(Case.id.in_(busy))))
    applicants = select(ImportedCase.applicant_id).where(ImportedCase.batch_id == batch.id)
    changed.update(
        db.session.scalars(select(Case.number).where(Case.applicant_id.in_(applicants), Case.id.not_in(mine)))
    )
    edited = (
        select(ImportedCase.case_id)
        .join(Applicant, Applicant.id == ImportedCase.applicant_id)
        .where(ImportedCase.batch_id == batch.id, Applicant.version != ImportedCase.applicant_version)
    )
    changed.update(db.session.scalars(select(Case.number).where(Case.id.in_(edited))))
    gone = db.session.scalar(
        select(func.count())
        .select_from(ImportedCase)
        .where(ImportedCase.batch_id == batch.id, ImportedCase.case_id.is_(None))
    )
    if gone:
        changed.add(_("%(n)s kasus sudah terhapus", n=gone))
    return sorted(changed)


def undo(actor: User, batch: ImportBatch) -> UndoResult:
    """Remove what the import created, if untouched since; audited. Refuses otherwise, listing the
    changed cases (ImportError_)."""
    if not access.can_undo_import(actor, batch):
        raise ImportError_(_("Hanya admin yang dapat membatalkan impor."))
    if batch.status != ImportStatus.IMPORTED:
        raise ImportError_(_("Hanya impor yang sudah selesai yang dapat dibatalkan."))
    changed = changed_since_import(batch)
    if changed:
        shown = ", ".join(changed[:20]) + (
            _(" dan %(n)s lainnya", n=len(changed) - 20) if len(changed) > 20 else ""
        )
        raise ImportError_(
            _(
                "Impor tidak dapat dibatalkan karena %(n)s kasus sudah diubah sejak diimpor: %(cases)s. "
                "Tangani kasus-kasus itu satu per satu.",
                n=len(changed),
                cases=shown,
            )
        )
    case_ids = select(ImportedCase.case_id).where(ImportedCase.batch_id == batch.id)
    applicant_ids = list(
        db.session.scalars(select(ImportedCase.applicant_id).where(ImportedCase.batch_id == batch.id))
    )
    numbers = list(db.session.scalars(select(Case.number).where(Case.id.in_(case_ids)).order_by(Case.id)))
    # one statement: the events and services go with their cases (ON DELETE CASCADE), and the
    # dashboards' totals are measured once around it (krs.reports.stats)
    cases = db.session.execute(delete(Case).where(Case.id.in_(case_ids))).rowcount
    removed = 0
    for lo in range(0, len(applicant_ids), CHUNK):
        part = [i for i in applicant_ids[lo : lo + CHUNK] if i]
        removed += db.session.execute(delete(Applicant).where(Applicant.id.in_(part))).rowcount
    batch.status, batch.undone_at, batch.undone_by_id = ImportStatus.UNDONE, utcnow(), actor.id
    audit.record(
        actor,
        "import.undo",
        "import_batch",
        batch.id,
        {"cases": numbers, "file": batch.file_name},
        {"cases_removed": cases, "applicants_removed": removed},
    )
    db.session.commit()
    return UndoResult(cases, removed)


# ---------------------------------------------------------------- for the pages


def batches_for(user: User, limit: int = 50) -> list[ImportBatch]:
    stmt = (
        access.imports_visible_to(user)
        .options(joinedload(ImportBatch.unit), joinedload(ImportBatch.created_by))
        .order_by(ImportBatch.created_at.desc(), ImportBatch.id.desc())
    )
    return list(db.session.scalars(stmt.limit(limit)).unique())


def problem_labels() -> dict[str, str]:
    return {
        "nik": _("NIK salah"),
        "village": _("Desa tidak dikenal"),
        "duplicate": _("Duplikat"),
        "date": _("Tanggal salah"),
        "name": _("Nama kosong"),
        "service": _("Layanan tidak dikenal"),
        "status": _("Status tidak dikenal"),
    }


def problem_counts(batch: ImportBatch) -> Counter:
    return Counter(p["code"] for r in batch.report or [] for p in r["problems"])


def job_of(batch: ImportBatch) -> ExportJob | None:
    return jobs.get_job(batch.job_id)
