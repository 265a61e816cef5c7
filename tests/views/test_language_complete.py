"""Both languages are whole (issue 15): every GET page of the app, opened by each role, shows no
Indonesian UI words in English mode and no English UI words in Indonesian mode.

Only what a person reads is checked: the text of the page and the attributes a screen reader or a
hover shows (placeholder, aria-label, title, alt, a button's value), never what a user typed (an
<input>'s value, a <textarea>) and never scripts. The world's own data uses neutral names, and
the case list's applicant names are not checked at all (they are people's data, in any language).
"""

from __future__ import annotations

import csv
import io
import re
import subprocess
import sys
from datetime import timedelta
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
    "Staf",
    "Surat pengantar",
    "Jawaban",
    "Lembaga",
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
        self.page_lang: str | None = None
        self.other_lang: list[list] = []  # [tag, depth] of elements marked as another language

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        lang = values.get("lang")
        if tag == "html":
            self.page_lang = lang
        elif self.other_lang and tag == self.other_lang[-1][0]:
            self.other_lang[-1][1] += 1
        elif lang and self.page_lang and lang != self.page_lang:
            # data in its own language, marked as such (WCAG 3.1.2): the AHSP's item names, say
            self.other_lang.append([tag, 1])
            self.skipping += 1
        if tag in self.SKIP or (tag == "select" and (values.get("name") or "").endswith("_code")):
            self.skipping += 1  # the region lists are place names, not the interface
        for name in ATTRIBUTES:
            if values.get(name):
                self.parts.append(values[name])
        if tag == "input" and values.get("type") in ("submit", "button") and values.get("value"):
            self.parts.append(values["value"])

    def handle_endtag(self, tag):
        if self.other_lang and tag == self.other_lang[-1][0]:
            self.other_lang[-1][1] -= 1
            if not self.other_lang[-1][1]:
                self.other_lang.pop()
                self.skipping -= 1
            return
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


def compile_catalogue() -> None:
    """The English UI needs the compiled catalogue (`make translations`); compile it when stale."""
    po, mo = CATALOGUE / "messages.po", CATALOGUE / "messages.mo"
    if not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
        pybabel = Path(sys.executable).parent / "pybabel"
        subprocess.run([str(pybabel), "-q", "compile", "-d", str(CATALOGUE.parents[1])], check=True)


@pytest.fixture(scope="module", autouse=True)
def _compiled_catalogue():
    compile_catalogue()


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


def _no_other_language(lang: str, text: str, *names: str) -> list[str]:
    for name in (NEUTRAL_NAME, *PROPER_NAMES, *names):
        text = text.replace(name, "")
    return _found(INDONESIAN_RE if lang == "en" else ENGLISH_RE, text)


@pytest.mark.parametrize(
    ("lang", "words"), [("en", ("Case no.", "Applicant")), ("id", ("No. kasus", "Pemohon"))]
)
def test_the_case_exports_speak_the_users_language(app, units, make_user, make_case, lang, words):
    """Headers and the labels in the cells (status, channel, service, deadline status) of the case
    list's CSV and XLSX, in the language of the person who downloads them."""
    supervisor = make_user(Role.SUPERVISOR, units["jawa2"], full_name="Petra Quill")
    staff = make_user(Role.STAFF, units["jawa2"], full_name="Ivo Drent")
    case_service.assign_case(supervisor, make_case(unit=units["jawa2"], name=NEUTRAL_NAME), staff)
    client = app.test_client()
    login(client, supervisor)
    with client.session_transaction() as sess:
        sess["lang"] = lang
    rows = list(csv.reader(io.StringIO(client.get("/reports/cases.csv?view=all").get_data(as_text=True))))
    book = load_workbook(io.BytesIO(client.get("/reports/cases.xlsx?view=all").get_data()))
    cells = [c for ws in book.worksheets for row in ws.iter_rows(values_only=True) for c in row if c]
    unit = units["jawa2"].name
    for what, values in (("CSV", [c for row in rows for c in row]), ("XLSX", [*book.sheetnames, *cells])):
        text = " | ".join(str(v) for v in values)
        assert all(w in text for w in words), (what, text[:300])
        assert not _no_other_language(lang, text, unit, "Petra Quill", "Ivo Drent"), (what, text[:600])


@pytest.mark.parametrize(("lang", "title"), [("en", "Intern logbook"), ("id", "Logbook magang")])
def test_the_logbook_workbook_speaks_the_users_language(app, units, make_user, lang, title):
    from krs.worklog import service as worklog

    intern = make_user(Role.INTERN, units["jawa2"], full_name="Ayu Quill")
    spv = make_user(Role.SUPERVISOR, units["jawa2"], full_name="Joko Drent")
    today = worklog.today_for(intern)
    monday = worklog.week_start_of(today) - timedelta(days=7)
    worklog.save_placement(
        spv,
        worklog.PlacementData(
            intern.id, "Zyx Institute", "Qorvan", spv.id, monday - timedelta(days=14), today
        ),
    )
    worklog.add_entry(intern, worklog.EntryData(monday, "field_visit", "Zyx", minutes=60))
    worklog.submit_week(intern, monday)
    worklog.approve_week(spv, worklog.week_of(intern, monday))
    client = app.test_client()
    login(client, intern)
    with client.session_transaction() as sess:
        sess["lang"] = lang
    placement = worklog.placements_of(intern)[0]
    book = load_workbook(
        io.BytesIO(client.get(f"/worklog/placements/{placement.id}/logbook.xlsx").get_data())
    )
    cells = [c for ws in book.worksheets for row in ws.iter_rows(values_only=True) for c in row if c]
    text = " | ".join(str(v) for v in [*book.sheetnames, *cells])
    assert title in text
    assert not _no_other_language(lang, text, units["jawa2"].name, "Ayu Quill", "Joko Drent"), text


def test_role_names_audit_actions_and_record_kinds_are_in_the_catalogue(app):
    """Every role, audit action and kind of record has its English (the audit log, the user lists,
    the exports and the filters show them), and none of it reads Indonesian."""
    from flask_babel import force_locale

    from krs.admin.audit_view import ACTIONS, ENTITIES

    same = {"Supervisor", "Unit"}  # the same word in both languages (docs/GLOSSARY.md)
    labels = {f"role {r.value}": r.lazy_label for r in Role}
    labels |= {f"action {code}": label for code, label in ACTIONS.items()}
    labels |= {f"record {code}": label for code, label in ENTITIES.items()}
    missing = []
    with app.test_request_context():
        for what, label in labels.items():
            with force_locale("id"):
                indonesian = str(label)
            with force_locale("en"):
                english = str(label)
            if (english == indonesian and english not in same) or _found(INDONESIAN_RE, english):
                missing.append(f"{what}: {indonesian!r} -> {english!r}")
    assert not missing, "\n".join(missing)


def test_role_names_on_the_users_page_in_either_language(app, units, make_user):
    admin = make_user(Role.ADMIN, username="lang.roles")
    for role in (Role.SUPERVISOR, Role.STAFF, Role.INTERN):
        make_user(role, units["jawa2"])
    client = app.test_client()
    login(client, admin)
    body = visible_text(client.get("/admin/users").get_data(as_text=True))
    assert all(w in body for w in ("Admin Direktorat", "Staf", "Magang")), body[:500]
    with client.session_transaction() as sess:
        sess["lang"] = "en"
    body = visible_text(client.get("/admin/users").get_data(as_text=True))
    assert all(w in body for w in ("Directorate admin", "Staff", "Intern")), body[:500]
    assert not re.search(r"\b(Staf|Magang|Admin Direktorat)\b", body), body[:500]


def test_chart_labels_follow_the_users_language(app, units, make_user, make_case):
    """The dashboard's and the report's charts: months, legends and the text a screen reader reads."""
    supervisor = make_user(Role.SUPERVISOR, units["jawa2"])
    make_case(unit=units["jawa2"], name=NEUTRAL_NAME)
    client = app.test_client()
    login(client, supervisor)
    for lang, pattern in (("en", INDONESIAN_RE), ("id", ENGLISH_RE)):
        with client.session_transaction() as sess:
            sess["lang"] = lang
        for url in ("/", "/reports/"):
            html = client.get(url).get_data(as_text=True)
            charts = re.findall(r"<svg class=\"chart.*?</svg>\s*(?:<p class=\"legend\">.*?</p>)?", html, re.S)
            text = visible_text(" ".join(charts))
            for name in (units["jawa2"].name, *PROPER_NAMES):
                text = text.replace(name, "")
            assert not _found(pattern, text), (lang, url, _found(pattern, text))


def test_a_referral_on_the_timeline_reads_in_the_readers_language(app, units, make_user, make_case):
    """The referral's line was written in its writer's language; the timeline says it again in its
    reader's (a line stored before this change keeps its stored words)."""
    from datetime import date

    from krs.extensions import db
    from krs.models import Agency
    from krs.referrals import service as referrals

    agency = Agency(name="Zyx Agency", kind="dinas_perkim", regency_code="32.77")
    db.session.add(agency)
    db.session.commit()
    staff = make_user(Role.STAFF, units["jawa2"])
    case = make_case(unit=units["jawa2"], name=NEUTRAL_NAME)
    letter = referrals.create_referral(
        staff, case, referrals.ReferralData(agency, "bsps", date(2026, 11, 27), "Qorvan.", staff)
    )
    referrals.answer_referral(staff, letter, "accepted", "Qorvan.", date(2026, 11, 28), "")
    client = app.test_client()
    login(client, staff)
    body = visible_text(client.get(f"/cases/{case.id}").get_data(as_text=True))
    assert f"Surat pengantar {letter.letter_number} ke Zyx Agency" in body
    assert f"Jawaban atas surat {letter.letter_number}: Diterima" in body
    with client.session_transaction() as sess:
        sess["lang"] = "en"
    body = visible_text(client.get(f"/cases/{case.id}").get_data(as_text=True))
    assert "Surat pengantar" not in body and "Jawaban atas" not in body and "Diterima" not in body
    assert letter.letter_number in body and "Zyx Agency" in body
    login(client, make_user(Role.ADMIN, username="lang.referral"))
    with client.session_transaction() as sess:
        sess["lang"] = "en"
    body = visible_text(client.get("/admin/audit").get_data(as_text=True))
    assert "Referral letter written" in body and f"Referral #{letter.id}" in body
    assert "Receiving agency: Zyx Agency" in body and "Programme: BSPS (Bantuan" in body
    assert "referral.create" not in body and "agency id" not in body and "signer id" not in body


def _audited_actions() -> dict[str, set[str]]:
    """action -> kinds of record, of every `audit.record(...)` call in krs/ (read from the source:
    constants, both sides of `a if x else b`, and for an action passed in a variable every
    "<kind>.<verb>" string of the same kind written in the code)."""
    import ast

    root = Path(__file__).resolve().parents[2] / "krs"
    calls, strings = [], set()
    for path in root.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                strings.add(node.value)
            func = getattr(node, "func", None)
            if (
                isinstance(func, ast.Attribute)
                and func.attr == "record"
                and getattr(func.value, "id", "") == "audit"
            ):
                calls.append(node.args[1:3])
    found: dict[str, set[str]] = {}
    for action, entity in calls:
        kind = entity.value if isinstance(entity, ast.Constant) else None
        if isinstance(action, ast.Constant):
            codes = [action.value]
        elif isinstance(action, ast.IfExp):
            codes = [action.body.value, action.orelse.value]
        else:  # a variable: the codes of that kind of record
            codes = [
                s for s in strings if re.fullmatch(rf"{kind}\.[a-z_]+", s) and not s.endswith((".id", "_id"))
            ]
        for code in codes:
            found.setdefault(code, set()).add(kind)
    return found


def test_every_audited_action_and_record_has_a_label():
    """The audit log shows people's words: an action or a kind of record the app writes without a
    label in krs/admin/audit_view.py would show as a code, in both languages."""
    from krs.admin.audit_view import ACTIONS, ENTITIES, ENTITY_ROWS

    found = _audited_actions()
    assert len(found) > 40, found  # the scan sees the app
    kinds = {k for ks in found.values() for k in ks if k}
    assert not set(found) - set(ACTIONS), sorted(set(found) - set(ACTIONS))
    assert not kinds - set(ENTITIES), sorted(kinds - set(ENTITIES))
    assert not kinds - set(ENTITY_ROWS) - {"login", "case_export", "service_level"}, sorted(
        kinds - set(ENTITY_ROWS)
    )


def test_system_lines_on_the_timeline_read_in_the_readers_language(app, units, make_user, make_case):
    """Lines the app writes on a case (an assessment's verdict, a design handed out) are stored in
    both languages; each reader reads their own, whatever the writer's language was."""
    from datetime import date

    from krs.assessments import service as assessments
    from krs.models import CaseStatus, Component

    staff = make_user(Role.STAFF, units["jawa2"])
    case = make_case(unit=units["jawa2"], name=NEUTRAL_NAME, status=CaseStatus.IN_PROGRESS)
    client = app.test_client()
    login(client, staff)
    with client.session_transaction() as sess:
        sess["lang"] = "en"  # the writer works in English
    from flask_babel import force_locale

    with app.test_request_context(), force_locale("en"):
        assessments.record_assessment(
            staff,
            case,
            assessments.AssessmentData(
                assessed_on=date(2026, 11, 20),
                ratings={c.value: "baik" for c in Component},
                floor_area_m2=36,
                occupants=4,
                health={"toilet_septic": True, "drinking_water": True},
            ),
            None,
        )
    english = visible_text(client.get(f"/cases/{case.id}").get_data(as_text=True))
    assert "Livable" in english and "Penilaian kelayakan" not in english
    with client.session_transaction() as sess:
        sess["lang"] = "id"
    indonesian = visible_text(client.get(f"/cases/{case.id}").get_data(as_text=True))
    assert "Penilaian kelayakan rumah (RTLH" in indonesian and "Layak huni" in indonesian
