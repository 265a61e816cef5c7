"""The RAB arithmetic against hand-computed fixtures (rule stated in krs/rab/arithmetic.py)."""

from decimal import Decimal as D

import pytest

from krs.rab.arithmetic import (
    Line,
    Part,
    line_amount,
    round_rupiah,
    terbilang,
    terbilang_rupiah,
    totals,
    unit_price,
)


def part(coefficient, price, code="X"):
    return Part(
        code=code,
        name=code,
        unit="u",
        kind="material",
        coefficient=D(coefficient),
        price=None if price is None else D(price),
    )


def test_unit_price_is_sum_of_coefficient_times_price_rounded_half_up():
    # plaster W.02 by hand: 0,2×100.000 + 0,1×145.000 + 0,01×175.000 + 0,0033×200.000
    #   = 20.000 + 14.500 + 1.750 + 660 = 36.910
    # PC 0,1248 zak × 65.000 = 8.112; pasir 0,024 × 200.000 = 4.800
    parts = [
        part("0.2", 100000),
        part("0.1", 145000),
        part("0.01", 175000),
        part("0.0033", 200000),
        part("0.1248", 65000),
        part("0.024", 200000),
    ]
    assert unit_price(parts) == D(49822)


def test_rounding_half_up_to_whole_rupiah():
    assert round_rupiah(D("1234.5")) == D(1235)
    assert round_rupiah(D("1234.49")) == D(1234)
    assert unit_price([part("0.5", 3)]) == D(2)  # 1,5 → 2
    assert unit_price([part("0.25", 2)]) == D(1)  # 0,5 → 1


def test_missing_price_counts_zero():
    assert unit_price([part("1", None), part("2", 1000)]) == D(2000)


def test_amount_is_volume_times_rounded_unit_price():
    assert line_amount(D("12.5"), D(49822)) == D(622775)
    assert line_amount(D("0.333"), D(1001)) == D(333)  # 333,333 → 333
    assert line_amount(D("0.5"), D(1001)) == D(501)  # 500,5 → 501


def test_totals_groups_overhead_smkk_household_and_ceiling():
    lines = [
        Line("fondasi", D(1_000_000)),
        Line("dinding", D(2_500_000)),
        Line("fondasi", D(500_000)),
        Line("dinding", D(750_000), by_household=True),
    ]
    t = totals(lines, overhead_pct=D("10"), smkk=D(150_000), ceiling=D(20_000_000))
    assert t.groups == {"fondasi": D(1_500_000), "dinding": D(3_250_000)}
    assert list(t.groups) == ["fondasi", "dinding"]
    assert t.works == D(4_750_000)
    assert t.overhead == D(475_000)
    assert t.smkk == D(150_000)
    assert t.total == D(5_375_000)
    assert t.household_in_kind == D(750_000)
    assert t.cash_need == D(4_625_000)
    assert t.aid == D(4_625_000) and t.over_ceiling == 0
    assert t.household_total == D(750_000)


def test_ceiling_gap_is_covered_by_household():
    t = totals(
        [Line("a", D(23_456_789)), Line("b", D(1_000_000), by_household=True)],
        overhead_pct=D("2.5"),
        ceiling=D(20_000_000),
    )
    # overhead 24.456.789 × 2,5 % = 611.419,725 → 611.420; total 25.068.209
    assert t.overhead == D(611_420)
    assert t.total == D(25_068_209)
    assert t.cash_need == D(24_068_209)
    assert t.aid == D(20_000_000)
    assert t.over_ceiling == D(4_068_209)
    assert t.household_total == D(5_068_209)


def test_no_ceiling():
    t = totals([Line("a", D(100))])
    assert t.ceiling is None and t.over_ceiling == 0 and t.total == D(100)


@pytest.mark.parametrize(
    ("n", "words"),
    [
        (0, "nol"),
        (1, "satu"),
        (11, "sebelas"),
        (15, "lima belas"),
        (100, "seratus"),
        (1000, "seribu"),
        (1001, "seribu satu"),
        (110_000, "seratus sepuluh ribu"),
        (1_000_000, "satu juta"),
        (20_000_000, "dua puluh juta"),
        (
            1_234_567_890,
            "satu miliar dua ratus tiga puluh empat juta lima ratus enam puluh tujuh ribu "
            "delapan ratus sembilan puluh",
        ),
        (2_000_000_000_000, "dua triliun"),
    ],
)
def test_terbilang(n, words):
    assert terbilang(n) == words


def test_terbilang_rupiah():
    assert terbilang_rupiah(D(20_000_000)) == "Dua puluh juta rupiah"
    assert terbilang_rupiah(0) == "Nol rupiah"
