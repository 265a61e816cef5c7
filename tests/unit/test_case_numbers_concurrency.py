"""Two (or eight) desks submitting at the same moment get distinct, consecutive case numbers."""

import threading

from sqlalchemy import select

from krs.cases import service
from krs.extensions import db
from krs.models import Case, Role, Unit, User
from tests.support import APPLICANT, valid_nik


def test_simultaneous_intakes_get_unique_consecutive_numbers(app, units, make_user):
    desks = [make_user(Role.STAFF, units["jawa2"]).id for _ in range(8)]
    unit_id = units["jawa2"].id
    barrier = threading.Barrier(len(desks))
    errors = []

    def take_in(i, user_id):
        with app.app_context():
            try:
                user = db.session.get(User, user_id)
                unit = db.session.get(Unit, unit_id)
                barrier.wait(timeout=10)
                service.intake(
                    user,
                    unit,
                    dict(APPLICANT, name=f"Serentak {i}", nik=valid_nik(500 + i)),
                    {"channel": "walk_in", "service_types": ["other"], "description": "Serentak."},
                )
            except Exception as exc:  # noqa: BLE001 - reported below
                errors.append(repr(exc))
            finally:
                db.session.remove()

    threads = [threading.Thread(target=take_in, args=(i, uid)) for i, uid in enumerate(desks)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert errors == []
    seqs = sorted(db.session.scalars(select(Case.seq).where(Case.unit_id == unit_id)))
    assert seqs == list(range(1, len(desks) + 1))
