"""Service levels in working days: weekends, Indonesian public holidays, the office's time zone."""

from datetime import UTC, date, datetime

from krs.extensions import db
from krs.models import ServiceLevel
from krs.service_levels import days_for, due_dates
from krs.workdays import (
    PUBLIC_HOLIDAYS_ONLY,
    add_working_days,
    is_working_day,
    local_date,
    using,
    working_days_between,
)


def test_independence_day_and_the_weekend_are_skipped():
    # Fri 14 Aug 2026 + 1 working day: Sat 15, Sun 16, Mon 17 (Hari Kemerdekaan) are skipped
    assert not is_working_day(date(2026, 8, 17))
    assert add_working_days(date(2026, 8, 14), 1) == date(2026, 8, 18)
    assert working_days_between(date(2026, 8, 14), date(2026, 8, 18)) == 1


def test_idul_fitri_holidays_are_skipped():
    # 2025: Idul Fitri on Mon 31 Mar and Tue 1 Apr; counting public holidays only (collective
    # leave set to working days for the year), Fri 28 Mar + 1 working day is Wed 2 Apr
    old = PUBLIC_HOLIDAYS_ONLY
    assert not is_working_day(date(2025, 3, 31), old) and not is_working_day(date(2025, 4, 1), old)
    assert add_working_days(date(2025, 3, 28), 1, old) == date(2025, 4, 2)
    # Thu 20 Mar -> Tue 8 Apr: 21, 24-28 (6), 2-4 Apr (9), 7-8 Apr (11)
    assert working_days_between(date(2025, 3, 20), date(2025, 4, 8), old) == 11
    # by default collective leave is off too (issue 13): 28 Mar, 2-4 and 7 Apr 2025 are cuti bersama
    assert add_working_days(date(2025, 3, 28), 1) == date(2025, 4, 8)
    # 21, 24-27 (5), 8 Apr (6)
    assert working_days_between(date(2025, 3, 20), date(2025, 4, 8)) == 6


def test_christmas_is_skipped():
    # Thu 24 Dec 2026 + 1: Fri 25 (Natal), Sat, Sun -> Mon 28 Dec
    assert add_working_days(date(2026, 12, 24), 1) == date(2026, 12, 28)
    assert working_days_between(date(2026, 12, 24), date(2026, 12, 28)) == 1


def test_the_day_is_counted_in_the_office_zone():
    moment = datetime(2026, 8, 13, 16, 30, tzinfo=UTC)  # 23:30 WIB Thursday, 00:30 WITA Friday
    assert local_date(moment, "Asia/Jakarta") == date(2026, 8, 13)
    assert local_date(moment, "Asia/Makassar") == date(2026, 8, 14)
    assert local_date(moment, "Asia/Jayapura") == date(2026, 8, 14)


def test_due_dates_follow_the_unit_zone(make_unit):
    wib = make_unit("WIB1", tz="Asia/Jakarta")
    wita = make_unit("WITA1", tz="Asia/Makassar")
    opened = datetime(2026, 8, 13, 16, 30, tzinfo=UTC)
    # WIB opens Thu 13 Aug: +2 working days = Fri 14, Tue 18 (17 Aug is a holiday)
    assert due_dates(wib, ["program_info"], opened)[0] == date(2026, 8, 18)
    # WITA opens Fri 14 Aug already: +2 = Tue 18, Wed 19
    assert due_dates(wita, ["program_info"], opened)[0] == date(2026, 8, 19)


def test_due_dates_read_the_admin_edited_service_levels(make_unit):
    unit = make_unit("SL1")
    opened = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)  # Mon 2 Mar 2026, 09:00 WIB
    with using(PUBLIC_HOLIDAYS_ONLY):
        assert due_dates(unit, ["house_design"], opened) == (date(2026, 3, 4), date(2026, 3, 24))
    # collective leave off (the default): 18, 20, 23 and 24 Mar 2026 are cuti bersama
    assert due_dates(unit, ["house_design"], opened) == (date(2026, 3, 4), date(2026, 3, 30))
    db.session.add(ServiceLevel(service="house_design", first_response_days=1, resolution_days=3))
    db.session.commit()
    assert due_dates(unit, ["house_design"], opened) == (date(2026, 3, 3), date(2026, 3, 5))


def test_several_services_take_the_strictest_response_and_the_longest_resolution():
    db.session.add(ServiceLevel(service="program_info", first_response_days=1, resolution_days=5))
    db.session.commit()
    assert days_for(["program_info", "permits"]) == (1, 20)
    assert days_for([]) == (2, 10)


def test_the_working_day_table_agrees_with_walking_day_by_day():
    import random
    from datetime import date, timedelta

    from krs import workdays

    def walk(a, b):
        n, d = 0, a
        while d < b:
            d += timedelta(days=1)
            n += workdays.is_working_day(d)
        return n

    rng = random.Random(7)
    for _ in range(300):
        a = date(2018, 1, 1) + timedelta(days=rng.randint(0, 3000))
        b = a + timedelta(days=rng.randint(-5, 400))
        assert workdays.working_days_between(a, b) == walk(a, b), (a, b)
