"""Hostile and random input (hypothesis) to every form and every query string, found by walking
app.url_map: never a 500, never markup that runs, always an Indonesian message, and the
database unchanged when the input is refused.

POST rules get the field names of the form that posts to them (read from the rendered pages, so
merged features are covered without editing this file) plus stray names; values are missing,
repeated, very long, odd Unicode, markup, SQL fragments, wrong types, huge numbers and dates out
of range, mixed with valid choices so some submissions pass and their stored text is checked on
the pages. KRS_HOSTILE_EXAMPLES sets the examples per rule (default 25).
"""

from __future__ import annotations

import json
import os
import re
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from werkzeug.datastructures import MultiDict

from krs.extensions import db
from krs.models import Case, CaseStatus
from tests.support import SCOPED_ARGUMENTS, db_fingerprint, forms_on, login, url_for_rule, walk_world

EXAMPLES = int(os.environ.get("KRS_HOSTILE_EXAMPLES", "25"))
STATS: Counter = Counter()

PAYLOADS = [
    "<script>alert(1)</script>",
    '"><script>alert(1)</script>',
    "<img src=x onerror=alert(1)>",
    "<svg/onload=alert(1)>",
    "javascript:alert(1)",
    "' OR '1'='1",
    "'; DROP TABLE case_file; --",
    "1; DELETE FROM audit_log",
    "%' OR 1=1 --",
    "\x00",
    "\u202eRTL\u202c",
    "\u200b\u200d\ufeff",
    "𝕂𝕣𝕤 👩🏽‍🔧🏚️",
    "ẞ ǅ ﬁ ᾯ",
    "A" * 6000,
    "9" * 400,
    "-1",
    "0",
    "-99999999999999999999",
    "1e309",
    "NaN",
    "Infinity",
    "0x1F",
    "3,5",
    "1.000.000",
    "0001-01-01",
    "0001-01-01T00:00",
    "9999-12-31T23:59",
    "99999-01-01",
    "2026-02-30",
    "2026-13-01T25:61",
    "../../etc/passwd",
    "{{7*7}}",
    "${7*7}",
    "{% raw %}",
    "[]",
    '{"a": 1}',
    "true",
    "None",
    " ",
    "",
]
RUNNABLE = re.compile(r"<script>alert|<img src=x onerror|<svg/onload", re.I)
ENGLISH = ("This field is required", "Not a valid", "Invalid Choice", "Field must be", "Field cannot be")
ERROR_MARKERS = ("field-error", 'role="alert"', "flash-error", "alert-error", "error-box")
# Tables a refused request may legitimately touch: failed sign-ins are counted on purpose.
REFUSAL_MAY_TOUCH = {"auth.login": {"login_throttle", "audit_log"}}
# GETs that change a table on purpose: opening a case marks the user's notifications about it read
# (a read receipt, like opening a message), so the first visit of an assignee changes that table.
GET_MAY_TOUCH = {
    "cases.detail": {"notification"},
    # issue 16: the first print of a receipt makes the case's status link (once, audited)
    "cases.receipt": {"status_link", "audit_log"},
}
QUERY_NAMES = ["q", "status", "service", "channel", "assignee", "unit", "view", "page", "nik", "next"]

# audited reveals answer with the page or the file itself (issue 13, point 7)
AUDITED_REVEALS = ("applicants.reveal_nik", "reports.export_cases_full_nik")


def hostile_text():
    return st.one_of(st.sampled_from(PAYLOADS), st.text(max_size=80), st.integers().map(str))


def storable_text():
    """Hostile but within the length limits and not blank: text a form may well accept and store."""
    short = [p for p in PAYLOADS if p.strip() and len(p) < 100]
    return st.one_of(st.sampled_from(short), st.text(min_size=1, max_size=40).filter(str.strip))


def field_values(choices):
    valid = [st.sampled_from(choices)] if choices else []
    single = st.one_of(*valid, *valid, hostile_text())
    # missing, one value, or repeated
    return st.lists(single, min_size=0, max_size=3)


FREE_CHOICE = {
    "version",
    "occurred_at",
    "next_action_date",
    "nik",
    "consent_given",
    "duration_minutes",
    "phone",
    "monthly_income",
    "household_size",
    "floor_area_m2",
    "occupants",
}
CURRENT_VERSION = "__current_version__"
CHAINED = {"province_code", "regency_code", "district_code", "village_code"}  # one valid address chain


def form_strategy(fields: dict, choices: dict, extra_valid: dict):
    """Either a random form (each field missing, single or repeated, valid or hostile), or a
    mostly valid one whose free-text fields carry hostile text (so it is stored and shown)."""
    names = sorted(set(fields) - {"csrf_token"})
    valid = {
        name: extra_valid[name] if name in CHAINED else choices.get(name, []) + extra_valid.get(name, [])
        for name in names
    }
    random_form = st.fixed_dictionaries({name: field_values(valid[name]) for name in names})
    mostly_valid = st.fixed_dictionaries(
        {
            name: st.lists(
                st.sampled_from(valid[name])
                if valid[name] and (name in FREE_CHOICE or name in choices or name in CHAINED)
                else storable_text(),
                min_size=1,
                max_size=1,
            )
            for name in names
        }
    )
    stray = st.dictionaries(
        st.sampled_from(["x", "id", "unit_id", "role", "actor_id", "__proto__"]), hostile_text(), max_size=2
    )
    return st.tuples(st.one_of(random_form, mostly_valid), stray, st.booleans())


@pytest.fixture
def world(units, make_user, make_case):
    return walk_world(units, make_user, make_case)


def _discover_post_forms(app, users, cases) -> dict[str, dict]:
    """endpoint -> the fields and choices of the form(s) that post to it, read from the pages."""
    adapter = app.url_map.bind("localhost")
    found: dict[str, dict] = {}
    for role in ("admin", "supervisor", "staff"):
        client = app.test_client()
        login(client, users[role])
        for rule in app.url_map.iter_rules():
            if "GET" not in rule.methods or rule.endpoint == "static":
                continue
            url = url_for_rule(rule, cases["own"])
            resp = client.get(url)
            if resp.mimetype != "text/html":
                continue
            for form in forms_on(resp.get_data(as_text=True)):
                if form["method"] != "post":
                    continue
                try:
                    endpoint, _args = adapter.match(form["action"].split("?")[0], method="POST")
                except Exception:  # noqa: BLE001 - an action outside the app
                    continue
                entry = found.setdefault(endpoint, {"fields": {}, "choices": {}, "action": form["action"]})
                entry["fields"].update(form["fields"])
                for name, values in form["choices"].items():
                    entry["choices"].setdefault(name, [])
                    entry["choices"][name] += [v for v in values if v not in entry["choices"][name]]
    return found


def _valid_extras(cases) -> dict:
    return {
        "version": [CURRENT_VERSION],
        "province_code": ["32"],
        "regency_code": ["32.01"],
        "district_code": ["32.01.01"],
        "village_code": ["32.01.01.1001"],
        "monthly_income": ["3000000"],
        "household_size": ["4"],
        "phone": ["081234567890"],
        "floor_area_m2": ["36.5"],
        "occupants": ["4"],
        "duration_minutes": ["30"],
        "occurred_at": ["2026-01-05T10:00"],
        "next_action_date": ["2027-01-05"],
        "nik": [cases["own"].applicant.nik, "3276015005900001"],
        "body": ["Kunjungan lapangan"],
        "name": ["Siti Aminah"],
        "description": ["Atap bocor"],
        "consent_given": ["y"],
        "username": ["walk-staff"],
    }


def _check_response(resp, where: str):
    assert resp.status_code < 500, f"{where}: {resp.status_code}\n{resp.get_data(as_text=True)[:800]}"
    # Downloads (outreach photos, xlsx exports) are bytes, not UTF-8 text: decode leniently so the
    # markup check still reads every response instead of failing on the first binary one.
    body = resp.get_data().decode("utf-8", "replace")
    assert not RUNNABLE.search(body), f"{where}: markup sent back unescaped"
    return body


def _differences(before, after, allowed) -> set:
    return {t for t in before if before[t] != after[t] and t not in allowed}


def test_hostile_posts_to_every_form(app, world):
    users, cases = world
    forms = _discover_post_forms(app, users, cases)
    extras = _valid_extras(cases)
    post_rules = [r for r in app.url_map.iter_rules() if "POST" in r.methods]
    assert len(post_rules) >= 8
    for rule in post_rules:
        spec = forms.get(rule.endpoint, {"fields": {}, "choices": {}})
        strategy = form_strategy(spec["fields"], spec["choices"], extras)
        _post_checker(app, users, cases, rule, strategy)()

    # whatever was accepted is shown escaped everywhere
    for role in ("admin", "staff", "intern", "viewer"):
        client = app.test_client()
        login(client, users[role])
        for rule in app.url_map.iter_rules():
            if "GET" in rule.methods and rule.endpoint != "static":
                # as the authorisation walk does: the other unit's case only for case-scoped
                # arguments (the transfer builder makes a jawa2 -> jawa3 transfer of the own case)
                scoped = rule.arguments & SCOPED_ARGUMENTS
                for case in cases.values() if scoped else [cases["own"]]:
                    url = url_for_rule(rule, case)
                    _check_response(client.get(url), f"GET {url} as {role} after hostile posts")
                    _check_response(client.get(url, headers={"HX-Request": "true"}), f"htmx {url}")


def _post_checker(app, users, cases, rule, strategy):
    url = url_for_rule(rule, cases["own"])
    allowed = REFUSAL_MAY_TOUCH.get(rule.endpoint, set())
    anonymous = rule.endpoint == "auth.login"

    @settings(max_examples=EXAMPLES, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(strategy)
    def check(drawn):
        fields, stray, as_htmx = drawn
        version = str(db.session.get(Case, cases["own"].id).version)
        data = MultiDict()
        for name, values in {**fields, **{k: [v] for k, v in stray.items()}}.items():
            for value in values:
                data.add(name, version if value == CURRENT_VERSION else value)
        client = app.test_client()
        if not anonymous:
            login(client, users["admin"])
        before = db_fingerprint()
        resp = client.post(url, data=data, headers={"HX-Request": "true"} if as_htmx else {})
        where = f"POST {url} {dict(data.lists())!r:.300}"
        body = _check_response(resp, where)
        # HX-Redirect is htmx's Post/Redirect/Get (cases.save_filter answers htmx with it; htmx does
        # not swap a 4xx body, so the flashed message shows on the page it redirects to): a redirect.
        succeeded = (
            resp.status_code in (302, 303)
            or "HX-Redirect" in resp.headers
            or "HX-Trigger" in resp.headers
            or (rule.endpoint == "cases.reveal_nik" and resp.status_code == 200)
            # the applicant page's audited reveal and a full-NIK export answer with the page/file
            or (
                rule.endpoint in ("applicants.reveal_nik", "reports.export_cases_full_nik")
                and resp.status_code == 200
            )
            # a new account's one-time password is shown on the answer itself, never redirected
            or (rule.endpoint == "admin.user_new" and resp.status_code == 200)
        )
        STATS[rule.endpoint] += 1
        if succeeded:
            STATS[rule.endpoint + ":accepted"] += 1
            return
        changed = _differences(before, db_fingerprint(), allowed)
        assert not changed, f"{where}: refused ({resp.status_code}) but changed {changed}"
        if resp.mimetype == "text/html":
            assert any(m in body for m in ERROR_MARKERS), f"{where}: refused without a message"
        for english in ENGLISH:
            assert english not in body, f"{where}: English message '{english}'"

    return check


def _get_checker(app, users, cases, rule):
    url = url_for_rule(rule, cases["own"])

    @settings(max_examples=EXAMPLES, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(
        st.dictionaries(st.sampled_from(QUERY_NAMES), st.lists(hostile_text(), max_size=3), max_size=5),
        st.sampled_from(["admin", "supervisor", "intern", "viewer"]),
        st.booleans(),
    )
    def check(args, role, as_htmx):
        client = app.test_client()
        login(client, users[role])
        before = db_fingerprint()
        query = MultiDict([(k, v) for k, vs in args.items() for v in vs])
        resp = client.get(url, query_string=query, headers={"HX-Request": "true"} if as_htmx else {})
        _check_response(resp, f"GET {url}?{query} as {role}")
        allowed = GET_MAY_TOUCH.get(rule.endpoint, set())
        assert _differences(before, db_fingerprint(), allowed) == set(), f"GET {url} changed the database"
        STATS["GET " + rule.endpoint] += 1

    return check


def test_hostile_query_strings_on_every_get_rule(app, world):
    users, cases = world
    get_rules = [r for r in app.url_map.iter_rules() if "GET" in r.methods and r.endpoint != "static"]
    for rule in get_rules:
        _get_checker(app, users, cases, rule)()


def test_dates_out_of_range_on_the_follow_up_form_are_refused_in_indonesian(app, world):
    users, cases = world
    client = app.test_client()
    login(client, users["staff"])
    for value in ("0001-01-01T00:00", "9999-12-31T23:59", "2026-02-30T10:00", "1899-12-31T10:00"):
        resp = client.post(
            f"/cases/{cases['own'].id}/events", data={"kind": "note", "body": "x", "occurred_at": value}
        )
        assert resp.status_code == 422, value
        assert "field-error" in resp.get_data(as_text=True) or "alert-error" in resp.get_data(as_text=True)


@pytest.fixture(scope="module", autouse=True)
def _write_stats():
    yield
    if STATS:
        out = Path("test-artifacts")
        out.mkdir(exist_ok=True)
        (out / "hostile-input-stats.json").write_text(json.dumps(dict(sorted(STATS.items())), indent=1))


def test_world_is_in_progress(world):
    assert world[1]["own"].status == CaseStatus.IN_PROGRESS


def test_nul_bytes_are_refused_before_reaching_the_database(app, world):
    """PostgreSQL cannot store NUL: found by the hostile walk on PostgreSQL as a 500."""
    users, cases = world
    client = app.test_client()
    login(client, users["staff"])
    before = db_fingerprint()
    resp = client.post(
        f"/cases/{cases['own'].id}/events",
        data=MultiDict(
            [("kind", "note"), ("body", "ok"), ("body", "a\x00b"), ("occurred_at", "2026-01-05T10:00")]
        ),
    )
    assert resp.status_code == 400 and "Permintaan tidak valid" in resp.get_data(as_text=True)
    assert client.get("/cases?q=a%00b").status_code == 400
    assert db_fingerprint() == before


@pytest.mark.parametrize("value", ["99999999999999999999", "²", "٣", "-1", "1e9"])
def test_id_filters_out_of_range_or_odd_digits_are_ignored(app, world, value):
    """assignee=<20 digits> overflowed PostgreSQL's integer (a 500): found by the query walk on PG."""
    users, _cases = world
    client = app.test_client()
    login(client, users["admin"])
    for name in ("assignee", "unit"):
        assert client.get(f"/cases?{name}={value}&view=all").status_code == 200
    assert client.get(f"/cases/nik-check?nik={value}").status_code == 200
