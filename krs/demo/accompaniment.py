"""Demo rows of construction accompaniment (issue 19): in each office with a desk, households at
various stages — one finished at 100 % (with photos), one whose next stage visit is overdue, others
at 0/30/50 % — through the real services, so the dashboard and the worklist are not empty."""

from __future__ import annotations

import io
import random
import secrets
from datetime import timedelta

from PIL import Image
from sqlalchemy import select

from krs.accompaniment import service
from krs.extensions import db
from krs.models import Accompaniment, Case, CaseStatus, CheckMark
from krs.storage import get_storage
from krs.uploads import StoredFile
from krs.workdays import today_in

# items the demo households most often get wrong (the evaluation's "most often not as advised")
OFTEN_WRONG = {"sengkang": 0.45, "angkur": 0.35, "beton": 0.25, "kolom": 0.2}
ADVICE = [
    "Begel kolom dirapatkan menjadi setiap 15 cm; ujung begel ditekuk 135°.",
    "Campuran beton diukur dengan ember: 1 semen, 2 pasir, 3 kerikil.",
    "Pasang angkur Ø10 dari kolom ke dinding setiap 6 lapis bata.",
    "Ring balok dicor menerus dan diikat ke semua kolom sebelum kuda-kuda dipasang.",
]
# (days ago the accompaniment started, [days ago of each stage visit, in stage order])
PLANS = [
    (120, [116, 85, 55, 12]),  # finished: 100 %
    (70, [66]),  # overdue: the 30 % visit fell due weeks ago
    (40, [36, 8]),  # at 30 %
    (60, [57, 30, 4]),  # at 50 %
    (3, []),  # just started
]


def _photo(rng: random.Random, label: int) -> StoredFile:
    img = Image.new("RGB", (480, 360), (rng.randint(90, 200), rng.randint(90, 160), rng.randint(60, 120)))
    buf = io.BytesIO()
    img.save(buf, format="JPEG", quality=80)
    data = buf.getvalue()
    name = secrets.token_hex(16) + ".jpg"
    get_storage().save(name, data, "image/jpeg")
    return StoredFile(f"foto-tahap-{label}.jpg", name, "image/jpeg", len(data))


def seed_accompaniment_demo(rng: random.Random, units: dict, desk: dict) -> int:
    """Accompaniments on open cases of each desk's office; returns how many were started."""
    service.ensure_defaults()
    stages = service.stages()
    items = service.check_items()
    started = 0
    for key, people in desk.items():
        unit = units[key]
        staff = people["staf"]
        today = today_in(unit.timezone)
        candidates = list(
            db.session.scalars(
                select(Case)
                .where(
                    Case.unit_id == unit.id,
                    Case.status == CaseStatus.IN_PROGRESS,
                    ~Case.id.in_(select(Accompaniment.case_id)),
                )
                .order_by(Case.created_at.desc(), Case.id.desc())
            )
        )
        for start_ago, visit_agos in PLANS:
            # the newest case already open when the accompaniment starts (its badge shows early in the list)
            started_on = today - timedelta(days=start_ago)
            case = next((c for c in candidates if c.created_at.date() <= started_on), None)
            if case is None:
                continue
            candidates.remove(case)
            acc = service.start_accompaniment(
                staff, case, started_on, rng.choice(["build", "renovate"]), today, None
            )
            for stage, ago in zip(stages, visit_agos, strict=False):
                marks = {}
                for item in items:
                    if stage.percent == 0 and item.code not in ("beton", "mortar", "pondasi"):
                        marks[item.id] = CheckMark.NOT_VISIBLE.value
                    elif rng.random() < OFTEN_WRONG.get(item.code, 0.08):
                        marks[item.id] = CheckMark.NOT_AS_ADVISED.value
                    else:
                        marks[item.id] = CheckMark.AS_ADVISED.value
                photos = [_photo(rng, stage.percent)] if len(visit_agos) == len(stages) else []
                service.record_visit(
                    staff,
                    acc,
                    service.VisitData(
                        stage=stage,
                        visit_date=today - timedelta(days=ago),
                        officer=staff,
                        progress_percent=stage.percent if stage.percent < 100 else 100,
                        advice=rng.choice(ADVICE),
                        marks=marks,
                        photos=photos,
                    ),
                    today,
                    None,
                )
            started += 1
    return started
