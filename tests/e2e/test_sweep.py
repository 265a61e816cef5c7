"""The sweep (issue 15): every GET page of the app, as each role, on a phone (390×844) and on a
desk screen (1366×768). On every page: no sideways scroll, and no serious or critical axe-core
violation.

One browser, one live server, one page object per role: each URL is loaded once, checked at the
phone width, then the same document is resized to the desk width and checked again. The data are
the demo's (a few dozen cases, groups, sessions, logbooks, surveys, a transfer), signed in as the
demo's accounts of BP2P Jawa II. Exports, files and htmx fragments are skipped (not HTML pages);
403/404 answers are checked once per status (one error page). The public survey pages and the
sign-in page are visited signed out.

axe-core is vendored under tests/vendor/ (npm package axe-core, pinned; MPL-2.0) and injected with
Playwright into a context that bypasses the CSP (the app allows no inline script, rightly).
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

from playwright.sync_api import Error as PlaywrightError
from sqlalchemy import select

from krs.cases import service as case_service
from krs.demo.seed import DEMO_PASSWORD, seed_demo
from krs.extensions import db
from krs.models import Case, CaseStatus, CaseTransfer, Unit, User
from tests.support import ARTIFACTS, sign_in, url_for_rule

AXE_VERSION = "4.14.1"
AXE = (Path(__file__).resolve().parents[1] / "vendor" / f"axe-core-{AXE_VERSION}.min.js").read_text()
VIEWPORTS = {"phone": {"width": 390, "height": 844}, "desk": {"width": 1366, "height": 768}}
NARROWEST = {"width": 360, "height": 740}  # the smallest phone in use: checked for sideways scroll only
ROLES = {  # role -> demo account (BP2P Jawa II for the desk roles, the Direktorat for the others)
    "admin": "admin",
    "viewer": "evaluator",
    "supervisor": "spv.jawa2",
    "staff": "staf.jawa2",
    "intern": "magang.jawa2",
}
PUBLIC = ("auth.login", "surveys.answer", "surveys.kiosk", "surveys.thanks")
# not pages: files, downloads, health checks, htmx pieces, the benchmark floor, signing out
SKIP = {
    "static",
    "main.healthz",
    "auth.logout",
    "perf.floor",
    "cases.attachment",
    "outreach.photo",
    "reports.export_cases",
    "reports.export_evaluation",
    "worklog.export_logbook",
    "rab.export_xlsx",  # issue 18 (h18b): a download
}
# pages a rule alone does not reach, for the roles whose lists differ most: the case lists' views
EXTRA_ROLES = ("admin", "supervisor")
EXTRA = (
    "/cases?view=unassigned",
    "/cases?view=overdue",
    "/cases?view=all",
    "/cases?status=closed",
)
SERIOUS = ("serious", "critical")
# the screenshots looked at by eye (issue 15's closing note): role, endpoint
SHOTS = {("supervisor", "main.index"), ("supervisor", "cases.new_case"), ("supervisor", "cases.detail")}

SCROLL_WIDTH = "() => [document.documentElement.scrollWidth, window.innerWidth]"
# the elements that stick out on the right, innermost first (what to fix when the page scrolls sideways)
WIDE = """() => [...document.querySelectorAll('body *')]
  .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1 && !e.closest('[role=region]'))
  .filter(e => ![...e.children].some(c => c.getBoundingClientRect().right > window.innerWidth + 1))
  .slice(0, 3).map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') +
    (e.className && typeof e.className === 'string' ? '.' + e.className.trim().split(/\\s+/).join('.') : '') +
    ' (' + Math.round(e.getBoundingClientRect().right) + ' px)')"""
HTMX_SETTLED = "() => !document.querySelector('.htmx-request')"
AXE_RUN = """async () => {
  const r = await axe.run(document, {resultTypes: ['violations']});
  return r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 4).map(n => n.target.join(' ') + ' :: ' +
      [...n.any, ...n.all, ...n.none].map(c => c.message).join(' | ').slice(0, 200))}));
}"""


def _the_case(unit: Unit, intern: User) -> Case:
    """An in-progress case of the unit assigned to its intern (so every role may open it)."""
    case = db.session.scalars(
        select(Case)
        .where(Case.unit_id == unit.id, Case.status == CaseStatus.IN_PROGRESS, Case.assignee_id == intern.id)
        .order_by(Case.id)
    ).first()
    if case is None:
        case = db.session.scalars(
            select(Case)
            .where(Case.unit_id == unit.id, Case.status == CaseStatus.IN_PROGRESS)
            .order_by(Case.id)
        ).first()
        spv = db.session.scalars(select(User).filter_by(username="spv.jawa2")).one()
        case_service.assign_case(spv, case, intern)
    return case


def _urls(app) -> tuple[list[tuple[str, str]], dict[str, str]]:
    """(endpoint, URL) of every GET rule worth a look, on the records of BP2P Jawa II; and the
    URLs of the public pages."""
    unit = db.session.scalars(select(Unit).filter_by(code="JAWA2")).one()
    intern = db.session.scalars(select(User).filter_by(username="magang.jawa2")).one()
    case = _the_case(unit, intern)
    transfer = db.session.scalars(select(CaseTransfer).order_by(CaseTransfer.id)).first()
    urls, seen = [], set()
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if "GET" not in rule.methods or rule.endpoint in SKIP or rule.endpoint in PUBLIC:
            continue
        if "transfer_id" in rule.arguments:
            url = rule.build({"transfer_id": transfer.id})[1]
        else:
            url = url_for_rule(rule, case)
        if url not in seen:
            seen.add(url)
            urls.append((rule.endpoint, url))
    closed = db.session.scalars(
        select(Case).where(Case.unit_id == unit.id, Case.status == CaseStatus.CLOSED).order_by(Case.id)
    ).first()
    urls += [("cases.detail", f"/cases/{closed.id}")]  # a closed case: the survey panel
    public = {}
    for endpoint in PUBLIC:
        rule = next(r for r in app.url_map.iter_rules() if r.endpoint == endpoint)
        public[endpoint] = url_for_rule(rule, case)
    public["surveys.invalid"] = "/surveys/not-a-token"
    return urls, public


class Sweep:
    def __init__(self, base: str, shots: Path):
        self.base = base
        self.shots = shots
        self.failures: list[str] = []
        self.checked: list[tuple[str, str, int]] = []  # (role, url, status)
        self.error_pages_seen: set[int] = set()
        self.shots_due = set(SHOTS)

    def visit(self, page, role: str, endpoint: str, url: str) -> None:
        page.set_viewport_size(VIEWPORTS["phone"])
        try:
            answer = page.goto(self.base + url)
        except PlaywrightError:  # a download starting
            return
        if not answer.headers.get("content-type", "").startswith("text/html"):
            return  # a file
        if "<html" not in answer.text()[:400].lower():
            return  # an htmx fragment
        if answer.status >= 400:
            if answer.status in self.error_pages_seen:
                return
            self.error_pages_seen.add(answer.status)
        page.wait_for_function(HTMX_SETTLED)
        self.checked.append((role, url, answer.status))
        if (role, endpoint) in self.shots_due:
            self.shots_due.discard((role, endpoint))
            name = endpoint.split(".")[1]
            page.screenshot(path=str(self.shots / f"{role}-{name}.png"), full_page=True)
            if endpoint == "main.index":  # the phone menu opens (no script) and shows every link
                page.click("details.menu > summary")
                page.locator("nav.mainnav a").last.wait_for(state="visible")
                page.screenshot(path=str(self.shots / f"{role}-menu-open.png"))
                page.click("details.menu > summary")
            if endpoint == "cases.detail":  # on a phone the follow-up form is one tap away, not on a desk
                self.jump_to_follow_up(page, role, url)
        for size, viewport in [("narrowest", NARROWEST), *VIEWPORTS.items()]:
            page.set_viewport_size(viewport)
            scroll, inner = page.evaluate(SCROLL_WIDTH)
            if scroll > inner:
                wide = ", ".join(page.evaluate(WIDE))
                where = f"{role} {size} {url}"
                self.failures.append(f"{where}: sideways scroll ({scroll} px > {inner} px): {wide}")
            if size == "narrowest":
                continue
            for v in page.evaluate(AXE_RUN):
                if v["impact"] in SERIOUS:
                    nodes = "; ".join(v["nodes"])
                    what = f"{v['impact']} {v['id']} ({v['help']})"
                    self.failures.append(f"{role} {size} {url}: {what}: {nodes}")

    def jump_to_follow_up(self, page, role: str, url: str) -> None:
        jump = page.locator("a.jump-follow-up")
        if not jump.is_visible():
            self.failures.append(f"{role} phone {url}: no 'Catat tindak lanjut' button in view")
            return
        jump.click()
        page.wait_for_function("location.hash === '#follow-up'")
        page.screenshot(path=str(self.shots / f"{role}-follow-up.png"))
        page.set_viewport_size(VIEWPORTS["desk"])
        if jump.is_visible():
            self.failures.append(f"{role} desk {url}: the phone's 'Catat tindak lanjut' button shows")
        page.set_viewport_size(VIEWPORTS["phone"])
        page.evaluate("window.scrollTo(0, 0)")


def test_every_page_every_role_phone_and_desk(app, live_server, browser):
    started = time.monotonic()
    seed_demo(n_cases=40)
    urls, public = _urls(app)
    folder = ARTIFACTS / "sweep"
    folder.mkdir(parents=True, exist_ok=True)
    sweep = Sweep(live_server, folder)

    def context():
        ctx = browser.new_context(bypass_csp=True, locale="id-ID", viewport=VIEWPORTS["phone"])
        ctx.add_init_script(AXE)  # in every document loaded, before the app's own scripts
        return ctx

    anonymous = context()
    page = anonymous.new_page()
    for endpoint, url in public.items():
        sweep.visit(page, "anonymous", endpoint, url)
    anonymous.close()
    for role, username in ROLES.items():
        if os.environ.get("KRS_SWEEP_ROLES") and role not in os.environ["KRS_SWEEP_ROLES"].split(","):
            continue  # a developer's shortcut: KRS_SWEEP_ROLES=supervisor
        ctx = context()
        page = ctx.new_page()
        sign_in(page, live_server, username, DEMO_PASSWORD)
        for endpoint, url in urls + [("cases.list_cases", u) for u in EXTRA if role in EXTRA_ROLES]:
            sweep.visit(page, role, endpoint, url)
        ctx.close()

    checked_roles = {r for r, _, _ in sweep.checked} - {"anonymous"}
    report = {
        "axe_core": AXE_VERSION,
        "seconds": round(time.monotonic() - started, 1),
        "pages_by_role": {
            role: sorted({url for r, url, _ in sweep.checked if r == role}) for role in ["anonymous", *ROLES]
        },
        "failures": sweep.failures,
    }
    (folder / "report.json").write_text(json.dumps(report, indent=2, ensure_ascii=False))
    enough = 100 if len(checked_roles) == len(ROLES) else 5
    assert len(sweep.checked) > enough, "the sweep reached too few pages"
    assert not sweep.failures, f"{len(sweep.failures)} problems:\n" + "\n".join(sweep.failures)
