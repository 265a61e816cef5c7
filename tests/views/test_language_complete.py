"""Both languages are whole (issue 15): every GET page of the app, opened by each role, shows no
Indonesian UI words in English mode and no English UI words in Indonesian mode.

Only what a person reads is checked: the text of the page and the attributes a screen reader or a
hover shows (placeholder, aria-label, title, alt, a button's value), never what a user typed (an
<input>'s value, a <textarea>) and never scripts. The world's own data uses neutral names, and
the case list's applicant names are not checked at all (they are people's data, in any language).
"""

from __future__ import annotations

import io
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
from openpyxl import load_workbook

from krs.admin.service import ensure_reference_items
from krs.cases import service as case_service
from krs.formats import fmt_month_short
from krs.models import Role
from tests.support import WALK_ROLES, login, url_for_rule, walk_world

# Indonesian words of the interface that have no place in the English UI (whole words).
INDONESIAN = [
    "Simpan",
    "Kasus",
    "Tambah",
    "Belum",
    "Datang langsung",
    "Rusak",
    "Rusak sedang",
    "Mei",
    "Agu",
    "Okt",
    "Des",
    "Pemohon",
    "Petugas",
    "Tindak lanjut",
    "Penutupan",
    "Pemindahan",
    "Sosialisasi",
    "Magang",
    "Rujukan",
    "Tanda terima",
    "Batal",
    "Kembali",
    "Cari",
    "Semua",
    "Tidak",
    "Ya",
    "Hapus",
    "Ubah",
    "Kirim",
    "Pilih",
    "Unggah",
    "Keluar",
    "Masuk",
    "Laporan",
    "Terlambat",
    "Menunggu",
    "Catat",
    "Catatan",
    "Jumlah",
    "Pengguna",
    "Peran",
    "Kelompok",
    "Anggota",
    "Rumah",
    "Bulan",
    "Tahun",
    "Tanggal",
    "Layanan",
    "Hasil",
    "Ditutup",
    "Diterima",
    "Baru",
    "Hari",
    "Minggu",
    "dan",
    "atau",
    "untuk",
    "dengan",
    "yang",
    "dari",
    "pada",
    "ini",
    "Sebelumnya",
    "Berikutnya",
    "Halaman",
    "Sistem",
]

# English words of the interface that have no place in the Indonesian UI (whole words).
ENGLISH = [
    "Save",
    "Cases",
    "Submit",
    "Not a valid",
    "Cancel",
    "Search",
    "Delete",
    "Edit",
    "Back",
    "Next",
    "Previous",
    "This field is required",
    "Sign in",
    "Sign out",
    "Applicant",
    "Follow-up",
    "Closure",
    "Outreach",
    "Reports",
    "Choose",
    "None",
    "May",
    "Aug",
    "Oct",
    "Dec",
    "the",
    "and",
    "with",
    "of",
]

# files and redirects, not pages
NOT_PAGES = {
    "static",
    "main.healthz",
    "perf.floor",
    "cases.attachment",
    "outreach.photo",
    "reports.export_cases",
    "reports.export_evaluation",
    "worklog.export_logbook",
    "auth.logout",
    "notifications.count",
}

NEUTRAL_NAME = "Zyx Qorvan"  # the applicants' name: a word of neither language

# proper names stay as they are in both languages (the app's name, the language's own name)
PROPER_NAMES = ("Klinik Rumah Swadaya", "Bahasa Indonesia")

ATTRIBUTES = {"placeholder", "aria-label", "title", "alt"}


class _Visible(HTMLParser):
    """The text a person reads: data outside <script>/<style>/<textarea>, the labelling attributes,
    the value of buttons (never of other inputs)."""

    SKIP = {"script", "style", "textarea"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        if tag in self.SKIP or (tag == "select" and (values.get("name") or "").endswith("_code")):
            self.skipping += 1  # the region lists are place names, not the interface
        for name in ATTRIBUTES:
            if values.get(name):
                self.parts.append(values[name])
        if tag == "input" and values.get("type") in ("submit", "button") and values.get("value"):
            self.parts.append(values["value"])

    def handle_endtag(self, tag):
        if tag in (*self.SKIP, "select") and self.skipping:
            self.skipping -= 1

    def handle_data(self, data):
        if not self.skipping:
            self.parts.append(data)


def visible_text(html: str) -> str:
    parser = _Visible()
    parser.feed(html)
    return " ".join(" ".join(parser.parts).split())


def _pattern(words: list[str]) -> re.Pattern:
    return re.compile(r"(?<![\w-])(" + "|".join(re.escape(w) for w in words) + r")(?![\w-])")


INDONESIAN_RE = _pattern(INDONESIAN)
ENGLISH_RE = _pattern(ENGLISH)


def _found(pattern: re.Pattern, text: str) -> list[str]:
    hits = []
    for m in pattern.finditer(text):
        hits.append(text[max(0, m.start() - 30) : m.end() + 30])
    return hits


CATALOGUE = Path(__file__).resolve().parents[2] / "translations" / "en" / "LC_MESSAGES"


@pytest.fixture(scope="module", autouse=True)
def _compiled_catalogue():
    """The English UI needs the compiled catalogue (`make translations`); compile it when stale."""
    po, mo = CATALOGUE / "messages.po", CATALOGUE / "messages.mo"
    if not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
        pybabel = Path(sys.executable).parent / "pybabel"
        subprocess.run([str(pybabel), "-q", "compile", "-d", str(CATALOGUE.parents[1])], check=True)


@pytest.fixture
def world(units, make_user, make_case):
    ensure_reference_items()  # as on a real installation: the reference lists are stored rows
    return walk_world(units, make_user, lambda **kw: make_case(name=NEUTRAL_NAME, **kw))


def _walk(app, users, case, lang: str, pattern: re.Pattern) -> tuple[list[str], int]:
    problems, seen = [], 0
    names = (app.config["KRS_MINISTRY_NAME"], app.config["KRS_DIRECTORATE_NAME"])
    for role in WALK_ROLES:
        client = app.test_client()
        login(client, users[role])
        with client.session_transaction() as sess:
            sess["lang"] = lang
        for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.endpoint):
            if "GET" not in rule.methods or rule.endpoint in NOT_PAGES:
                continue
            url = url_for_rule(rule, case)
            resp = client.get(url)
            if resp.status_code != 200 or not resp.mimetype == "text/html":
                continue
            seen += 1
            text = visible_text(resp.get_data(as_text=True))
            for name in (NEUTRAL_NAME, *PROPER_NAMES, *names):
                text = text.replace(name, "")
            problems += [f"{role} {url}: …{hit}…" for hit in _found(pattern, text)]
    return problems, seen


def test_each_language_shows_none_of_the_other(app, world):
    """One world for both walks (building it is most of the cost)."""
    users, cases = world
    english, seen_en = _walk(app, users, cases["own"], "en", INDONESIAN_RE)
    indonesian, seen_id = _walk(app, users, cases["own"], "id", ENGLISH_RE)
    assert seen_en > 60 and seen_id == seen_en, (seen_en, seen_id)
    problems = [f"{len(english)} Indonesian word(s) in the English UI:", *english]
    problems += [f"{len(indonesian)} English word(s) in the Indonesian UI:", *indonesian]
    assert not english and not indonesian, "\n".join(problems)


@pytest.mark.parametrize(("lang", "names"), [("en", "May Aug Oct"), ("id", "Mei Agu Okt")])
def test_chart_months_are_named_in_the_users_language(app, lang, names):
    from flask import session

    with app.test_request_context():
        session["lang"] = lang
        assert " ".join(fmt_month_short(m) for m in ("2026-05", "2026-08", "2026-10")) == names


def test_the_audit_log_shows_peoples_words_in_either_language(app, units, make_user, make_case):
    admin = make_user(Role.ADMIN, username="lang.audit")
    supervisor = make_user(Role.SUPERVISOR, units["jawa2"])
    case = make_case(unit=units["jawa2"])
    staff = make_user(Role.STAFF, units["jawa2"], full_name="Petra Quill")
    case_service.assign_case(supervisor, case, staff)
    client = app.test_client()
    login(client, admin)
    body = visible_text(client.get("/admin/audit").get_data(as_text=True))
    assert "Kasus ditugaskan" in body and f"Kasus #{case.id}" in body
    assert "Status: Baru → Ditugaskan" in body and "Petugas: – → Petra Quill" in body
    assert "case.assign" not in body and "assignee_id" not in body and "{" not in body
    with client.session_transaction() as sess:
        sess["lang"] = "en"
    body = visible_text(client.get("/admin/audit").get_data(as_text=True))
    assert "Case assigned" in body and f"Case #{case.id}" in body
    assert "Status: New → Assigned" in body and "Officer: – → Petra Quill" in body


def test_the_evaluation_workbook_speaks_the_users_language(app, units, make_user, make_case):
    admin = make_user(Role.ADMIN)
    make_user(Role.INTERN, units["jawa2"])
    make_case(unit=units["jawa2"])
    client = app.test_client()
    login(client, admin)
    with client.session_transaction() as sess:
        sess["lang"] = "en"
    book = load_workbook(io.BytesIO(client.get("/reports/evaluation.xlsx").get_data()))
    assert "Penggunaan aplikasi" not in book.sheetnames  # the sheets are named in English too
    usage = list(book[book.sheetnames[-1]].iter_rows(values_only=True))
    roles = {row[2] for row in usage[1:]}
    assert roles and roles <= {"Supervisor", "Staff", "Intern"}, roles
    assert " to " in book[book.sheetnames[0]]["B1"].value
