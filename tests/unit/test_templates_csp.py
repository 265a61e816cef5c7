"""The CSP allows no inline script or style: no template may rely on them."""

import re
from pathlib import Path

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"


def test_no_inline_scripts_styles_or_event_handlers():
    offenders = []
    for path in TEMPLATES.rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        if re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text):
            offenders.append(f"{path.name}: inline <script>")
        if re.search(r"<style\b", text) or re.search(r"\sstyle=\"", text):
            offenders.append(f"{path.name}: inline style")
        if re.search(r"\son[a-z]+=\"", text):
            offenders.append(f"{path.name}: inline event handler")
    assert not offenders, offenders


def test_static_assets_go_through_the_hashed_url_helper():
    """Long cache lifetimes are safe only for content-hashed URLs (static_url)."""
    offenders = [
        p.name for p in TEMPLATES.rglob("*.html") if "url_for('static'" in p.read_text(encoding="utf-8")
    ]
    assert not offenders, offenders
