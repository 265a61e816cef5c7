"""The home page's overdue count is capped like the case list: read up to the cap, never the whole
national backlog row by row."""

from datetime import date

from sqlalchemy import update

from krs import pagination
from krs.extensions import db
from krs.main import service
from krs.models import Case, CaseStatus, Role
from tests.support import login


def test_overdue_count_is_exact_below_the_cap_and_capped_above(units, make_user, make_case, monkeypatch):
    admin = make_user(Role.ADMIN)
    cases = [make_case(unit=units["jawa2"], status=CaseStatus.ASSIGNED) for _ in range(4)]
    db.session.execute(
        update(Case).where(Case.id.in_([c.id for c in cases])).values(resolution_due=date(2020, 1, 6))
    )
    db.session.commit()
    home = service.home_for(admin)
    assert (home.counts["overdue"], home.counts["overdue_capped"]) == (4, False)
    monkeypatch.setattr(pagination, "COUNT_CAP", 2)
    home = service.home_for(admin)
    assert (home.counts["overdue"], home.counts["overdue_capped"]) == (3, True)
    assert len(home.overdue) == 4  # the list itself is not capped by the count


def test_the_tile_says_more_than_the_cap(client, units, make_user, make_case, monkeypatch):
    admin = make_user(Role.ADMIN)
    for _ in range(3):
        c = make_case(unit=units["jawa2"], status=CaseStatus.ASSIGNED)
        db.session.execute(update(Case).where(Case.id == c.id).values(resolution_due=date(2020, 1, 6)))
    db.session.commit()
    login(client, admin)
    assert "&gt; 10.000</span>" not in client.get("/").get_data(as_text=True)
    monkeypatch.setattr(pagination, "COUNT_CAP", 2)
    assert "&gt; 2</span>" in client.get("/").get_data(as_text=True)  # the cap, not a fixed figure


def test_the_cap_is_written_as_the_language_groups_digits(app):
    from krs.formats import fmt_number

    with app.test_request_context():
        assert fmt_number(pagination.COUNT_CAP) == "10.000"
