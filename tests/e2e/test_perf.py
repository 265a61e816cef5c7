"""Issue 6 in the browser: the first visit to /cases (page, CSS, JS) transfers at most 120 KB,
the assets come back compressed, and a second visit takes them from the browser cache."""

from krs.models import CaseStatus, Role
from tests.support import TEST_PASSWORD, sign_in

TRANSFERRED = """() => {
  const nav = performance.getEntriesByType('navigation')[0];
  const res = performance.getEntriesByType('resource');
  return {
    page: nav.transferSize,
    assets: res.map(r => ({name: r.name, transfer: r.transferSize, body: r.decodedBodySize,
                          encoded: r.encodedBodySize})),
  };
}"""


def test_first_visit_to_cases_is_light_and_assets_are_cached(
    live_server, page, shot, units, make_user, make_case
):
    staff = make_user(Role.STAFF, units["jawa2"], username="staf.ringan", full_name="Rina Ringan")
    for _ in range(25):
        make_case(assignee=staff, status=CaseStatus.ASSIGNED)
    sign_in(page, live_server, staff.username, TEST_PASSWORD)
    # the sign-in page already fetched the assets: empty the cache so this is a first visit
    page.context.new_cdp_session(page).send("Network.clearBrowserCache")
    page.goto(f"{live_server}/cases?view=all")
    first = page.evaluate(TRANSFERRED)
    shot("cases-first-visit")
    assets = [a for a in first["assets"] if "/static/" in a["name"]]
    assert len(assets) >= 3
    for asset in assets:
        assert "?v=" in asset["name"], asset["name"]
        if asset["body"] > 2000:
            assert asset["encoded"] < asset["body"] / 2, f"not compressed: {asset}"
    total = first["page"] + sum(a["transfer"] for a in assets)
    print(f"first visit to /cases: {total} bytes transferred")
    assert total <= 120 * 1024, f"first visit transferred {total} bytes"
    assert page.locator("#case-rows tr").count() >= 25

    page.goto(f"{live_server}/cases?view=mine")
    again = page.evaluate(TRANSFERRED)
    cached = [a for a in again["assets"] if "/static/" in a["name"]]
    assert cached and all(a["transfer"] == 0 for a in cached), cached  # served from the browser cache
