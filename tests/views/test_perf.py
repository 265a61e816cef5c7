"""Issue 6: SQL statements per request stay constant with page size and timeline length; the
first visit to /cases stays under 120 KB compressed; static URLs carry content hashes and long
cache headers; the capped count; the no-database floor page."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest

from krs import case_lists, pagination
from krs.extensions import db
from krs.models import CaseStatus, Event, Role


def _statements(count_queries, client, url: str) -> int:
    with count_queries() as counter:
        resp = client.get(url)
    assert resp.status_code == 200, resp.status_code
    return counter.count


def _add_events(case, author, n: int) -> None:
    start = datetime.now(UTC) - timedelta(days=30)
    for i in range(n):
        db.session.add(
            Event(
                case_id=case.id,
                kind="note",
                author_id=author.id,
                occurred_at=start + timedelta(hours=i),
                body=f"Catatan {i}",
                next_action_date=(start + timedelta(days=1)).date(),
            )
        )
    db.session.commit()


@pytest.mark.parametrize("role", ["admin", "supervisor", "staff"])
def test_case_list_statements_do_not_grow_with_page_size(
    app, make_case, make_user, login_as, count_queries, role
):
    user = make_user(role)
    staff = make_user(Role.STAFF)
    for i in range(12):
        make_case(status=CaseStatus.ASSIGNED if i % 2 else CaseStatus.NEW, assignee=staff,
                  services=("house_design", "permits"))  # fmt: skip
    client = login_as(user)
    app.config["KRS_PAGE_SIZE"] = 2
    try:
        small = _statements(count_queries, client, "/cases?view=all")
        searched_small = _statements(count_queries, client, "/cases?view=all&q=pemohon")
        app.config["KRS_PAGE_SIZE"] = 10
        large = _statements(count_queries, client, "/cases?view=all")
        searched_large = _statements(count_queries, client, "/cases?view=all&q=pemohon")
    finally:
        app.config["KRS_PAGE_SIZE"] = 25
    assert small == large
    assert searched_small == searched_large


def test_case_page_statements_do_not_grow_with_the_timeline(make_case, make_user, login_as, count_queries):
    admin = make_user(Role.ADMIN)
    short = make_case(status=CaseStatus.IN_PROGRESS)
    long = make_case(status=CaseStatus.IN_PROGRESS)
    _add_events(long, admin, 50)
    client = login_as(admin)
    assert _statements(count_queries, client, f"/cases/{short.id}") == _statements(
        count_queries, client, f"/cases/{long.id}"
    )
    assert "Catatan 49" in client.get(f"/cases/{long.id}").get_data(as_text=True)


@pytest.mark.parametrize("role", ["admin", "supervisor", "staff"])
def test_home_page_statements_do_not_grow_with_cases(make_case, make_user, login_as, count_queries, role):
    user = make_user(role)
    staff = make_user(Role.STAFF)
    client = login_as(user)
    for status in (CaseStatus.IN_PROGRESS, CaseStatus.CLOSURE_REQUESTED):
        _add_events(make_case(status=status, assignee=staff), staff, 2)
    few = _statements(count_queries, client, "/")
    for i in range(8):
        case = make_case(status=(CaseStatus.IN_PROGRESS, CaseStatus.CLOSURE_REQUESTED)[i % 2], assignee=staff)
        _add_events(case, staff, 2)
    assert _statements(count_queries, client, "/") == few


def test_count_is_capped_and_says_more_than(monkeypatch, make_case, make_user, login_as):
    monkeypatch.setattr(pagination, "COUNT_CAP", 3)
    admin = make_user(Role.ADMIN)
    for _ in range(5):
        make_case()
    page = case_lists.list_cases(admin, case_lists.CaseFilters(view="all"), per_page=2)
    assert page.capped and page.total == 3 and page.pages == 2
    late = case_lists.list_cases(admin, case_lists.CaseFilters(view="all", page=99), per_page=2)
    assert late.page == 2 and len(late.items) == 2  # the last reachable page, not an empty one
    body = login_as(admin).get("/cases?view=all").get_data(as_text=True)
    assert "Lebih dari 3 kasus" in body  # the cap, written by the page


def test_search_pages_say_whether_more_follow_without_counting_everything(make_case, make_user, login_as):
    staff = make_user(Role.STAFF)
    for _ in range(5):
        make_case(name="Siti Rahayu")
    first = case_lists.list_cases(staff, case_lists.CaseFilters(view="all", q="rahayu"), per_page=2)
    assert first.open_ended and first.capped and first.pages == 2 and len(first.items) == 2
    last = case_lists.list_cases(staff, case_lists.CaseFilters(view="all", q="rahayu", page=3), per_page=2)
    assert not last.capped and len(last.items) == 1 and last.total == 5
    beyond = case_lists.list_cases(staff, case_lists.CaseFilters(view="all", q="rahayu", page=9), per_page=2)
    assert beyond.page == 3 and len(beyond.items) == 1
    body = login_as(staff).get("/cases?view=all&q=rahayu").get_data(as_text=True)
    assert "5 kasus" in body


def test_search_is_a_case_insensitive_substring_of_the_name(make_case, make_user):
    staff = make_user(Role.STAFF)
    siti = make_case(name="Siti Rahayu")
    budi = make_case(name="Budi Santoso")

    def hits(q):
        return [c.id for c in case_lists.list_cases(staff, case_lists.CaseFilters(view="all", q=q)).items]

    assert hits("TI RAH") == [siti.id]
    assert hits("ahay") == [siti.id]
    assert hits("hy") == []  # two letters: answered without the trigram index, same meaning
    assert hits("ra") == [siti.id]
    assert hits("SANTOS") == [budi.id]
    # the search index follows a renamed applicant (the FTS triggers on SQLite)
    siti.applicant.name = "Sri Lestari"
    db.session.commit()
    assert hits("rahayu") == [] and hits("lestari") == [siti.id]


def test_search_by_phone_and_number_part(make_case, make_user):
    staff = make_user(Role.STAFF)
    case = make_case(name="Dewi Sari")
    phone = case.applicant.phone
    found = case_lists.list_cases(staff, case_lists.CaseFilters(view="all", q=phone[2:9])).items
    assert case.id in [row.id for row in found]
    seq = case.number.rsplit("-", 1)[1]
    found = case_lists.list_cases(staff, case_lists.CaseFilters(view="all", q=f"-{seq}")).items
    assert case.id in [row.id for row in found]


# ---------------------------------------------------------------- page weight and caching


def test_first_visit_to_cases_is_under_120_kb_compressed(make_case, make_user, login_as):
    staff = make_user(Role.STAFF)
    for _ in range(25):
        make_case(assignee=staff, status=CaseStatus.ASSIGNED)
    client = login_as(make_user(Role.ADMIN))
    headers = {"Accept-Encoding": "gzip, deflate, br"}
    page = client.get("/cases?view=all", headers=headers)
    assert page.status_code == 200
    assert page.headers.get("Content-Encoding") in ("gzip", "br", "deflate", "zstd")
    total = len(page.data)
    html = client.get("/cases?view=all").get_data(as_text=True)
    assets = re.findall(r'(?:href|src)="(/static/[^"]+)"', html)
    assert len(assets) >= 3
    for url in assets:
        resp = client.get(url, headers=headers)
        assert resp.status_code == 200, url
        assert resp.headers.get("Content-Encoding"), url
        total += len(resp.get_data())
    assert total <= 120 * 1024, f"{total} bytes"


def test_static_urls_carry_a_content_hash_and_a_long_cache(client):
    html = client.get("/login").get_data(as_text=True)
    css = re.search(r'href="(/static/css/krs\.css\?v=([0-9a-f]{10}))"', html)
    assert css, "static URLs must carry ?v=<hash>"
    resp = client.get(css.group(1))
    assert resp.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    stale = client.get("/static/css/krs.css?v=0000000000")
    assert "immutable" not in stale.headers.get("Cache-Control", "")
    plain = client.get("/static/css/krs.css")
    assert "immutable" not in plain.headers.get("Cache-Control", "")


def test_signed_in_pages_are_compressed_and_not_cached(make_user, login_as):
    client = login_as(make_user(Role.STAFF))
    resp = client.get("/cases", headers={"Accept-Encoding": "gzip"})
    assert resp.headers["Content-Encoding"] == "gzip"
    assert "no-store" in resp.headers["Cache-Control"]


def test_floor_page_only_with_krs_bench_and_without_database(app):
    assert "perf.floor" not in {r.endpoint for r in app.url_map.iter_rules()}
    from sqlalchemy import event

    from krs import create_app

    bench = create_app(type("BenchConfig", (), {**{k: v for k, v in app.config.items()}, "KRS_BENCH": True}))
    statements = []
    with bench.app_context():
        engine = db.engine
        listener = lambda *a: statements.append(a[2])  # noqa: E731
        event.listen(engine, "before_cursor_execute", listener)
        try:
            resp = bench.test_client().get("/_bench/floor")
        finally:
            event.remove(engine, "before_cursor_execute", listener)
            db.session.remove()
            engine.dispose()
    assert resp.status_code == 200
    assert resp.get_data(as_text=True).count("<tr>") == 26  # header + 25 rows, like a list page
    assert statements == []
