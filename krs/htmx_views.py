"""One way to answer htmx (DESIGN.md §2): the fragment named by the request's `HX-Target`, else
the full page.

htmx sends the id of the element it will swap in `HX-Target`. A view lists the fragments it can
answer, keyed by that id (a key ending in `*` matches ids by prefix, for per-row targets such as
`queue-week-12`); any other request, htmx or not, gets the page. Views that answer a non-htmx
POST with a redirect ask `fragment_for` and redirect when it answers None.
"""

from __future__ import annotations

from flask import render_template

from krs.extensions import htmx


def htmx_target() -> str | None:
    """The id of the element htmx will swap, or None for a request not made by htmx."""
    if not htmx:
        return None
    return htmx.target or None


def fragment_for(fragments: dict[str, str]) -> str | None:
    """The fragment template for this request's `HX-Target`, or None (answer with the page)."""
    target = htmx_target()
    if target is None:
        return None
    if target in fragments:
        return fragments[target]
    for key, template in fragments.items():
        if key.endswith("*") and target.startswith(key[:-1]):
            return template
    return None


def render_page_or_fragment(page_template: str, fragments: dict[str, str], **context) -> str:
    """Render the fragment the htmx request targets, else the full page (which includes it)."""
    return render_template(fragment_for(fragments) or page_template, **context)
