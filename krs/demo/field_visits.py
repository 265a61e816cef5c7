"""Demo field visits (issue 16): per office, one running case gets a visit with three photos (drawn
here, stored through krs.uploads.save_photos with thumbnails) and the visit's position."""

from __future__ import annotations

import io
import random
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from flask import current_app
from PIL import Image, ImageDraw
from sqlalchemy import select
from werkzeug.datastructures import FileStorage

from krs.cases import service
from krs.extensions import db
from krs.models import Case, CaseStatus, EventKind, User
from krs.storage import get_storage
from krs.uploads import DOCUMENT_TYPES, save_photos

# a provincial capital per province code (degrees), around which the demo visits are placed
PROVINCE_CENTRES = {
    "15": (-1.61, 103.61),  # Jambi
    "16": (-2.99, 104.76),  # Palembang
    "19": (-2.13, 106.11),  # Pangkalpinang
    "32": (-6.91, 107.61),  # Bandung
    "33": (-6.97, 110.42),  # Semarang
    "34": (-7.80, 110.37),  # Yogyakarta
    "51": (-8.65, 115.22),  # Denpasar
    "61": (-0.03, 109.34),  # Pontianak
    "62": (-2.21, 113.92),  # Palangka Raya
}

FINDINGS = (
    "Atap seng bocor di beberapa titik; kuda-kuda kayu lapuk dimakan rayap. Dinding bata tanpa "
    "kolom praktis, retak diagonal di sisi timur. Lantai tanah. Jamban belum memiliki septik tank."
)


def _house_photo(rng: random.Random, wide: bool) -> bytes:
    size = (1600, 1200) if wide else (1200, 1600)
    sky = (rng.randint(150, 200), rng.randint(190, 220), 235)
    img = Image.new("RGB", size, sky)
    draw = ImageDraw.Draw(img)
    w, h = size
    draw.rectangle((0, int(h * 0.75), w, h), fill=(110, 90, 60))  # ground
    wall = (rng.randint(170, 220), rng.randint(150, 190), rng.randint(120, 160))
    draw.rectangle((int(w * 0.2), int(h * 0.45), int(w * 0.8), int(h * 0.78)), fill=wall)
    draw.polygon(
        [(int(w * 0.12), int(h * 0.47)), (int(w * 0.5), int(h * 0.22)), (int(w * 0.88), int(h * 0.47))],
        fill=(120, 120, 125),
    )
    draw.rectangle((int(w * 0.45), int(h * 0.58), int(w * 0.55), int(h * 0.78)), fill=(80, 50, 30))  # door
    draw.line((int(w * 0.3), int(h * 0.5), int(w * 0.38), int(h * 0.7)), fill=(60, 40, 30), width=6)  # crack
    out = io.BytesIO()
    img.save(out, format="JPEG", quality=82)
    return out.getvalue()


def seed_field_visit_demo(units: dict, desk: dict, seed: int = 2026) -> int:
    """One visit per office on its oldest running case; returns how many were recorded."""
    rng = random.Random(seed)
    recorded = 0
    for slug, people in desk.items():
        unit = units[slug]
        case = db.session.scalar(
            select(Case)
            .where(Case.unit_id == unit.id, Case.status == CaseStatus.IN_PROGRESS)
            .order_by(Case.id)
            .limit(1)
        )
        if case is None:
            continue
        officer: User = case.assignee or people["staf"]
        files = [
            FileStorage(io.BytesIO(_house_photo(rng, wide=i != 1)), filename=f"IMG_{20261120 + i}.jpg")
            for i in range(3)
        ]
        stored = save_photos(
            files, get_storage(), current_app.config["MAX_UPLOAD_BYTES"], allowed=DOCUMENT_TYPES
        )
        centre = PROVINCE_CENTRES.get(unit.provinces.split(",")[0])
        lat = lon = None
        if centre:
            lat = Decimal(str(round(centre[0] + rng.uniform(-0.05, 0.05), 6)))
            lon = Decimal(str(round(centre[1] + rng.uniform(-0.05, 0.05), 6)))
        service.add_follow_up(
            officer,
            case,
            service.FollowUp(
                kind=EventKind.FIELD_VISIT,
                body=FINDINGS,
                occurred_at=datetime.now(UTC) - timedelta(hours=2),
                duration_minutes=60,
                attachments=stored,
                latitude=lat,
                longitude=lon,
            ),
        )
        recorded += 1
    return recorded
