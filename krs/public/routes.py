"""Public pages without sign-in (DESIGN.md §6): the case status page behind the receipt's QR.

It shows the office, the case number, the status and the next step — never a name, NIK, phone
or address. Tokens are random (krs.public_links); a revoked or unknown one is a plain 404.
Rate-limited per address so tokens cannot be guessed by brute force."""

from __future__ import annotations

from flask import Blueprint, render_template

from krs.extensions import limiter
from krs.public_links import case_for_status_token, next_step_for, public_url

bp = Blueprint("public", __name__)


@bp.app_template_global("public_url")
def public_url_global(endpoint: str, **values) -> str:
    """Absolute link to a public page under KRS_PUBLIC_URL (templates: QR codes, hand-off texts)."""
    return public_url(endpoint, **values)


@bp.get("/status/<token>")
@limiter.limit("30 per minute")
def status(token: str):
    case = case_for_status_token(token)
    if case is None:
        return render_template("public/status_invalid.html"), 404
    resp = render_template(
        "public/status.html",
        number=case.number,
        unit_name=case.unit.letterhead_title,
        status=case.status,
        received_on=case.created_at,
        timezone=case.unit.timezone,
        next_step=next_step_for(case),
    )
    return (
        resp,
        200,
        {"Cache-Control": "no-store", "X-Robots-Tag": "noindex", "Referrer-Policy": "no-referrer"},
    )
