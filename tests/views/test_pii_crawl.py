"""Issue 13: personal data the same on every page.

An intern, an evaluator, a staff member of another office and a supervisor whose office gave a case
away each crawl every page, fragment and export they can reach from the home page (links, htmx
GETs, GET forms, downloads). None of them meets a full NIK (the NIK is revealed only by an audited
POST, which a crawler never sends), and none meets the name of an applicant they may not see.
"""

from __future__ import annotations

import io
import re
from collections import Counter, deque
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from krs.cases import service as case_service
from krs.cases import transfer
from krs.extensions import db
from krs.models import AttachmentKind, CaseStatus, Role, User
from krs.outreach import service as outreach_service
from krs.storage import get_storage
from krs.uploads import StoredFile
from tests.support import APPLICANT, JPEG, create_case, login, make_session, valid_nik

NAMES = {
    "siti": "Siti Rahasia Jawa",  # Jawa II, assigned to the intern
    "budi": "Budi Tak Terlihat",  # Jawa II, unassigned
    "sari": "Sari Sosialisasi",  # Jawa II, opened at an outreach session the intern attended
    "dedi": "Dedi Dipindah",  # Jawa II, transferred to Jawa III and accepted there
    "made": "Made Lain Kantor",  # Jawa III
}
MAX_PAGES = 400
MAX_VARIANTS_PER_PATH = 6


class _Links(HTMLParser):
    """Every GET a user can trigger from a page: links, htmx GETs, GET forms, sources."""

    def __init__(self):
        super().__init__()
        self.found: list[tuple[str, bool, str | None]] = []  # (url, by htmx, HX-Target)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if a.get("hx-get"):
            target = a.get("hx-target") or ""
            if target.startswith("#"):
                target = target[1:]
            elif target in ("", "this"):
                target = a.get("id") or ""
            else:
                target = ""
            self.found.append((a["hx-get"], True, target or None))
        if tag == "a" and a.get("href"):
            self.found.append((a["href"], False, None))
        if tag == "form" and (a.get("method") or "get").lower() == "get" and a.get("action"):
            self.found.append((a["action"], False, None))
        if tag in ("img", "iframe") and a.get("src"):
            self.found.append((a["src"], False, None))


def _text_of(resp) -> str:
    kind = resp.headers.get("Content-Type", "")
    if "spreadsheetml" in kind:
        book = load_workbook(io.BytesIO(resp.data), read_only=True)
        return "\n".join(
            " ".join("" if v is None else str(v) for v in row)
            for ws in book.worksheets
            for row in ws.iter_rows(values_only=True)
        )
    if kind.startswith(("text/", "application/json")):
        return resp.get_data(as_text=True)
    return ""  # images and other files: their bytes are checked by the identity-document test


def crawl(client) -> dict[str, str]:
    """GET every URL reachable from the home page; {url: text} of what came back with 200."""
    seen: set[str] = set()
    per_path: Counter = Counter()
    texts: dict[str, str] = {}
    queue = deque([("/", False, None)])
    while queue and len(seen) < MAX_PAGES:
        url, by_htmx, target = queue.popleft()
        parts = urlsplit(url)
        if parts.scheme or parts.netloc or not parts.path.startswith("/"):
            continue  # wa.me, mailto: and other hosts
        if parts.path.startswith(("/static/", "/logout", "/lang")):
            continue
        key = f"{parts.path}?{parts.query}|{by_htmx}|{target}"
        if key in seen or per_path[parts.path] >= MAX_VARIANTS_PER_PATH:
            continue
        seen.add(key)
        per_path[parts.path] += 1
        headers = {"HX-Request": "true", **({"HX-Target": target} if target else {})} if by_htmx else {}
        resp = client.get(url, headers=headers)
        if resp.status_code != 200:
            continue
        text = _text_of(resp)
        texts[f"{url}{' (htmx ' + str(target) + ')' if by_htmx else ''}"] = text
        if "text/html" in resp.headers.get("Content-Type", ""):
            parser = _Links()
            parser.feed(text)
            for found, htmx, tgt in parser.found:
                queue.append((urljoin(url, found.replace("&amp;", "&")), htmx, tgt))
    return texts


@pytest.fixture
def world(units, make_user):
    jawa2, jawa3 = units["jawa2"], units["jawa3"]
    staff2 = make_user(Role.STAFF, jawa2)
    spv2 = make_user(Role.SUPERVISOR, jawa2)
    intern = make_user(Role.INTERN, jawa2)
    staff3 = make_user(Role.STAFF, jawa3)
    spv3 = make_user(Role.SUPERVISOR, jawa3)
    viewer = make_user(Role.VIEWER)
    niks = {key: valid_nik(7100 + i) for i, key in enumerate(NAMES)}

    siti = create_case(jawa2, CaseStatus.IN_PROGRESS, assignee=intern, name=NAMES["siti"], nik=niks["siti"])
    name = "ktp-siti.jpg"
    get_storage().save("crawl-ktp-siti.jpg", JPEG, "image/jpeg")
    case_service.add_follow_up(
        staff2,
        siti,
        case_service.FollowUp(
            kind="note",
            body="Salinan KTP diterima.",
            occurred_at=siti.created_at,
            attachments=[StoredFile(name, "crawl-ktp-siti.jpg", "image/jpeg", len(JPEG))],
            attachment_kind=AttachmentKind.IDENTITY,
        ),
    )
    create_case(jawa2, CaseStatus.NEW, name=NAMES["budi"], nik=niks["budi"])
    session = make_session(staff2, jawa2, staff=[staff2, intern])
    outreach_service.intake_at_session(
        staff2,
        session,
        dict(APPLICANT, name=NAMES["sari"], nik=niks["sari"]),
        {"service_types": ["program_info"], "description": "Dari sosialisasi."},
    )
    db.session.commit()
    dedi = create_case(jawa2, CaseStatus.ASSIGNED, name=NAMES["dedi"], nik=niks["dedi"])
    moved = transfer.request_transfer(spv2, dedi, jawa3, "Rumah pemohon di wilayah Jawa III.")
    transfer.accept_transfer(spv3, moved, "")
    create_case(jawa3, CaseStatus.IN_PROGRESS, name=NAMES["made"], nik=niks["made"])
    return {
        "users": {"intern": intern, "viewer": viewer, "staff3": staff3, "spv2": spv2},
        "niks": niks,
        "siti": siti,
    }


# who may not meet which applicant's name (everybody: no full NIK at all)
FORBIDDEN = {
    "intern": ("budi", "sari", "dedi", "made"),
    "viewer": (),
    "staff3": ("siti", "budi", "sari"),
    # Dedi's case went to Jawa III; Jawa II keeps its own applicant record of him (applicants are
    # held per office), but never the case: the transfer pages show only its record (see
    # test_pii_same_everywhere)
    "spv2": ("made",),
}


@pytest.mark.parametrize("who", sorted(FORBIDDEN))
def test_crawl_meets_no_full_nik_and_no_name_out_of_scope(client, world, who):
    login(client, world["users"][who])
    texts = crawl(client)
    assert len(texts) >= 5, f"{who} reached only {sorted(texts)}"
    full_niks = set(world["niks"].values())
    leaks = []
    for url, text in texts.items():
        for nik in re.findall(r"(?<!\d)\d{16}(?!\d)", text):
            if nik in full_niks:
                leaks.append((url, nik))
        for key in FORBIDDEN[who]:
            if NAMES[key] in text:
                leaks.append((url, NAMES[key]))
        if who == "viewer":
            for pii in (APPLICANT["phone"], APPLICANT["address"]):
                if pii in text:
                    leaks.append((url, pii))
    assert not leaks, leaks


def test_identity_documents_never_reach_viewers_or_interns(client, world):
    siti = world["siti"]
    att = next(a for ev in siti.events for a in ev.attachments if a.kind == AttachmentKind.IDENTITY)
    url = f"/cases/{siti.id}/attachments/{att.id}"
    for who in ("viewer", "intern"):
        login(client, world["users"][who])
        assert client.get(url).status_code == 404
        page = client.get(f"/cases/{siti.id}").get_data(as_text=True)
        assert "ktp-siti.jpg" not in page and url not in page
    staff = db.session.scalars(
        select(User).where(User.unit_id == siti.unit_id, User.role == Role.STAFF).order_by(User.id)
    ).first()
    login(client, staff)
    resp = client.get(url)
    assert resp.status_code == 200 and resp.data == JPEG
