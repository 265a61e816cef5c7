"""Issue 17, second part: the name search through the trigram index's phrase MATCH keeps the
meaning of a case-insensitive substring (quotes and LIKE wildcards included), the home tiles are
counted in one statement with the same numbers as their lists, and the case page does not read
its case again after settling the notifications."""

from __future__ import annotations

from werkzeug.datastructures import MultiDict

from krs import case_lists
from krs.extensions import db
from krs.main.service import home_tiles, tile_args
from krs.models import CaseStatus, Role


def _ids(user, q: str) -> set[int]:
    filters = case_lists.filters_from_args(MultiDict({"view": "all", "q": q}), user)
    return {c.id for c in case_lists.list_cases(user, filters).items}


def test_the_name_search_is_a_case_insensitive_substring(make_case, make_user):
    spv = make_user(Role.SUPERVISOR)
    budi = make_case(name="Budi Santoso")
    quoted = make_case(name='Siti "Ani" Rahayu')
    percent = make_case(name="Toko 50%an Jaya")
    other = make_case(name="Wati Lestari")
    assert _ids(spv, "udi san") == {budi.id}
    assert _ids(spv, "BUDI") == {budi.id}
    assert _ids(spv, '"ani"') == {quoted.id}  # a quote is a character, not FTS syntax
    assert _ids(spv, "ani") == {quoted.id}
    assert _ids(spv, "0%a") == {percent.id}  # the LIKE meaning of % is kept
    assert _ids(spv, "NOT") == set()  # an FTS operator word is just text
    assert other.id not in _ids(spv, "budi")


def test_home_tiles_are_one_statement_and_equal_their_lists(make_case, make_user, count_queries):
    spv = make_user(Role.SUPERVISOR)
    staff = make_user(Role.STAFF)
    for status in (CaseStatus.NEW, CaseStatus.ASSIGNED, CaseStatus.IN_PROGRESS, CaseStatus.CLOSURE_REQUESTED):
        make_case(status=status, assignee=staff)
    for user in (spv, staff):
        assert user.unit.timezone  # loaded with the user on a request (its unit is joined)
        with count_queries() as counter:
            tiles = home_tiles(user)
        assert counter.count == 1, counter.statements
        assert [t.key for t in tiles] == [key for key, _args in tile_args(user)]
        for tile in tiles:
            one = case_lists.count_capped(user, case_lists.filters_from_args(MultiDict(tile.args), user))
            assert (tile.count, tile.capped) == one, tile.key


def test_the_case_page_does_not_read_the_case_again_after_the_notifications(
    make_case, make_user, login_as, count_queries
):
    spv = make_user(Role.SUPERVISOR)
    case = make_case(status=CaseStatus.IN_PROGRESS)
    client = login_as(spv)
    client.get(f"/cases/{case.id}")
    with count_queries() as counter:
        resp = client.get(f"/cases/{case.id}")
    assert resp.status_code == 200 and case.number in resp.get_data(as_text=True)
    case_selects = [s for s in counter.statements if s.lstrip().upper().startswith("SELECT CASE_FILE.ID")]
    assert len(case_selects) == 1, case_selects
    db.session.rollback()
