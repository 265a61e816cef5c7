"""Issue 18 part 1 in the browser: a supervisor creates an office design (area typed "36,5"), adds
a plan image and a RAB template line, then — on a 390×844 phone — hands the design to a case from
the case page in one click, sees it on the timeline with a link, and finds the hand-out in the
design's usage count. Screenshots at 390 and 1366 go to test-artifacts/ (and SHOTS_DIR if set)."""

from __future__ import annotations

import io
import os
from pathlib import Path

from PIL import Image, ImageDraw

from krs.models import CaseStatus, Role
from tests.support import ARTIFACTS, TEST_PASSWORD, sign_in

SHOTS = Path(os.environ.get("SHOTS_DIR") or ARTIFACTS / "designs")


def _plan_png(path: Path) -> Path:
    img = Image.new("RGB", (600, 400), "white")
    draw = ImageDraw.Draw(img)
    draw.rectangle([40, 40, 560, 360], outline=(18, 53, 91), width=6)
    draw.line([300, 40, 300, 360], fill=(40, 40, 40), width=3)
    draw.line([40, 200, 300, 200], fill=(40, 40, 40), width=3)
    draw.text((60, 60), "Kamar 1", fill="black")
    draw.text((60, 220), "Kamar 2", fill="black")
    draw.text((320, 60), "Ruang keluarga", fill="black")
    buf = io.BytesIO()
    img.save(buf, format="PNG")
    path.write_bytes(buf.getvalue())
    return path


def _shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def _no_sideways_scroll(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_supervisor_creates_a_design_and_hands_it_out_from_a_phone(
    live_server, page, units, make_user, make_case, tmp_path
):
    spv = make_user(Role.SUPERVISOR, username="spv.desain", full_name="Dewi Lestari")
    case = make_case(status=CaseStatus.IN_PROGRESS, name="Bapak Sutrisno")

    # ---- desktop: create the design with its plan and a template line
    page.set_viewport_size({"width": 1366, "height": 768})
    sign_in(page, live_server, "spv.desain", TEST_PASSWORD)
    page.goto(f"{live_server}/designs")
    page.click("#new-design")
    page.fill("input[name=code]", "JAWA2-T36-BATA")
    page.fill("input[name=name]", "Tipe 36 bata kolom praktis")
    page.fill("input[name=house_type]", "Tipe 36")
    page.fill("input[name=floor_area_m2]", "36,5")
    page.fill("input[name=floors]", "1")
    page.fill("input[name=bedrooms]", "2")
    page.select_option("select[name=structure]", "masonry")
    page.fill("textarea[name=quake_notes]", "Sloof 15×20, kolom praktis 15×15, ring balok 12×15.")
    page.click("#design-form button[type=submit]")
    page.wait_for_selector("#file-form")
    assert "tersimpan" in page.inner_text("main")
    page.set_input_files("#file-form input[type=file]", str(_plan_png(tmp_path / "denah.png")))
    page.click("#file-form button[type=submit]")
    page.wait_for_selector("ul.design-files img")
    page.fill("#line-form input[name=work_item_code]", "s.01")
    page.fill("#line-form input[name=volume]", "0,99")
    page.click("#line-form button[type=submit]")
    page.wait_for_selector("#template-lines")
    assert "S.01" in page.inner_text("#template-lines") and "0,99" in page.inner_text("#template-lines")
    _shot(page, "design-edit-1366")
    page.goto(f"{live_server}/designs")
    card = page.locator(".design-card", has_text="JAWA2-T36-BATA")
    thumb = card.locator("img")
    thumb.scroll_into_view_if_needed()  # loading="lazy"
    thumb.evaluate("img => img.complete ? null : new Promise(ok => img.addEventListener('load', ok))")
    assert thumb.evaluate("img => img.naturalWidth") > 0  # the thumbnail, served by the checked route
    assert "36,5 m²" in card.inner_text()
    _shot(page, "design-list-1366")

    # ---- phone: hand it to the case from the case page
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server}/designs")
    _no_sideways_scroll(page)
    _shot(page, "design-list-390")
    page.goto(f"{live_server}/cases/{case.id}")
    page.wait_for_selector("#handout-form")  # the panel the designs blueprint serves, loaded by htmx
    _no_sideways_scroll(page)
    # a follow-up first (htmx swaps the case body and bumps the case's version): the panel reloads
    # itself, so the hand-out that follows carries the fresh version and is no conflict
    version_before = page.input_value("#handout-form input[name=version]")
    page.fill("#follow-up textarea[name=body]", "Menjelaskan pilihan desain kepada pemohon.")
    with page.expect_response(lambda r: f"/designs/cases/{case.id}" in r.url and r.request.method == "GET"):
        page.click("#follow-up button[type=submit]")
    page.wait_for_function(
        "v => document.querySelector('#handout-form input[name=version]').value !== v", arg=version_before
    )
    page.select_option("#handout-design", label="JAWA2-T36-BATA — Tipe 36 bata kolom praktis")
    page.locator("#handout-form").scroll_into_view_if_needed()
    _shot(page, "case-panel-390")
    page.click("#handout-submit")
    page.wait_for_selector("#timeline a.design-link")
    timeline = page.inner_text("#timeline")
    assert "Desain diserahkan: JAWA2-T36-BATA" in timeline
    assert "JAWA2-T36-BATA" in page.inner_text("#design-handouts")
    _no_sideways_scroll(page)
    page.locator("#timeline").scroll_into_view_if_needed()
    _shot(page, "case-timeline-390")

    # the timeline's link leads to the design, whose usage counts the hand-out for the office
    page.click("#timeline a.design-link")
    page.wait_for_selector("#usage")
    usage = page.inner_text("#usage")
    assert units["jawa2"].name in usage and "1" in usage
    assert case.number not in page.inner_text("main") and "Sutrisno" not in page.inner_text("main")
    _no_sideways_scroll(page)
    _shot(page, "design-detail-390")
    page.set_viewport_size({"width": 1366, "height": 768})
    _shot(page, "design-detail-1366")
    page.goto(f"{live_server}/cases/{case.id}")
    page.wait_for_selector("#design-panel #design-handouts")
    _shot(page, "case-1366")
    assert spv.full_name in page.inner_text("#timeline")
