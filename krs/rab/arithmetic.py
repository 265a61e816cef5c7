"""The arithmetic of a cost estimate (RAB), and THE rounding rule (stated here once; DESIGN notes
and the printed RAB refer to it):

1. Unit price (harga satuan) of a work item = Σ coefficient × base price of the price list,
   rounded to whole Rupiah, half up (Rp 1.234,50 → Rp 1.235).
2. Amount (jumlah) of a line = volume × the ROUNDED unit price, rounded to whole Rupiah, half up.
3. Subtotal of a group and the works subtotal = sums of amounts (no further rounding).
4. Overhead (optional, %) = works subtotal × % / 100, rounded to whole Rupiah, half up.
5. SMKK (construction safety) = the amount entered, in whole Rupiah.
6. Total = works subtotal + overhead + SMKK.

The XLSX uses the same rule as formulas: amount `=ROUND(D×E,0)`, overhead `=ROUND(sub×%/100,0)`,
totals `=SUM(...)` (Excel's ROUND rounds half away from zero: the same as half up for the
positive numbers of a RAB).

The household's share: lines it covers itself (own materials, mutual help: `by_household`) are in
the total but shown apart; the rest is the cash need. Against an aid ceiling, the household must
cover its own lines plus whatever of the cash need exceeds the ceiling.

Pure functions: no database, no request (tests/unit/test_rab_arithmetic.py checks them by hand).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

RUPIAH = Decimal(1)
ZERO = Decimal(0)


def round_rupiah(value) -> Decimal:
    """Whole Rupiah, half up: the one rounding of every money figure of a RAB."""
    return Decimal(str(value)).quantize(RUPIAH, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Part:
    """One coefficient × base price of a unit price (price None: missing from the price list)."""

    code: str
    name: str
    unit: str
    kind: str
    coefficient: Decimal
    price: Decimal | None

    @property
    def value(self) -> Decimal:
        return ZERO if self.price is None else self.coefficient * self.price


def unit_price(parts: Iterable[Part]) -> Decimal:
    """Rule 1: Σ coefficient × base price, rounded to whole Rupiah half up."""
    return round_rupiah(sum((p.value for p in parts), ZERO))


def line_amount(volume, rounded_unit_price) -> Decimal:
    """Rule 2: volume × rounded unit price, rounded to whole Rupiah half up."""
    return round_rupiah(Decimal(str(volume)) * Decimal(str(rounded_unit_price)))


@dataclass(frozen=True)
class Line:
    group: str
    amount: Decimal
    by_household: bool = False


@dataclass
class Totals:
    groups: dict[str, Decimal] = field(default_factory=dict)  # in order of first appearance
    works: Decimal = ZERO  # Σ of all lines' amounts
    overhead: Decimal = ZERO
    smkk: Decimal = ZERO
    total: Decimal = ZERO
    household_in_kind: Decimal = ZERO  # lines the household covers itself
    cash_need: Decimal = ZERO  # total − household_in_kind
    ceiling: Decimal | None = None
    aid: Decimal = ZERO  # what the aid covers: min(ceiling, cash need)
    over_ceiling: Decimal = ZERO  # cash need above the ceiling, to be covered by the household
    household_total: Decimal = ZERO  # in kind + over the ceiling


def totals(lines: Iterable[Line], overhead_pct=ZERO, smkk=ZERO, ceiling=None) -> Totals:
    """Rules 3–6 and the household's share."""
    result = Totals()
    for line in lines:
        result.groups[line.group] = result.groups.get(line.group, ZERO) + line.amount
        result.works += line.amount
        if line.by_household:
            result.household_in_kind += line.amount
    result.overhead = round_rupiah(result.works * Decimal(str(overhead_pct or 0)) / 100)
    result.smkk = round_rupiah(smkk or 0)
    result.total = result.works + result.overhead + result.smkk
    result.cash_need = result.total - result.household_in_kind
    if ceiling is not None:
        result.ceiling = round_rupiah(ceiling)
        result.aid = min(result.ceiling, result.cash_need)
        result.over_ceiling = max(ZERO, result.cash_need - result.ceiling)
    result.household_total = result.household_in_kind + result.over_ceiling
    return result


# ---------------------------------------------------------------- terbilang

_ONES = [
    "",
    "satu",
    "dua",
    "tiga",
    "empat",
    "lima",
    "enam",
    "tujuh",
    "delapan",
    "sembilan",
    "sepuluh",
    "sebelas",
]
_SCALES = [(10**12, "triliun"), (10**9, "miliar"), (10**6, "juta")]


def _below_thousand(n: int) -> str:
    if n < 12:
        return _ONES[n]
    if n < 20:
        return f"{_ONES[n - 10]} belas"
    if n < 100:
        tens, rest = divmod(n, 10)
        return f"{_ONES[tens]} puluh" + (f" {_ONES[rest]}" if rest else "")
    hundreds, rest = divmod(n, 100)
    head = "seratus" if hundreds == 1 else f"{_ONES[hundreds]} ratus"
    return head + (f" {_below_thousand(rest)}" if rest else "")


def terbilang(value) -> str:
    """A whole number in Indonesian words: 0 → "nol", 1000 → "seribu", 1.000.000 → "satu juta",
    1.234.567.890 → "satu miliar dua ratus tiga puluh empat juta lima ratus enam puluh tujuh ribu
    delapan ratus sembilan puluh". Decimals are rounded by the RAB rule first."""
    n = int(round_rupiah(value))
    if n < 0:
        return "minus " + terbilang(-n)
    if n == 0:
        return "nol"
    words = []
    for scale, name in _SCALES:
        if n >= scale:
            head, n = divmod(n, scale)
            words.append(f"{terbilang(head)} {name}")
    if n >= 1000:
        head, n = divmod(n, 1000)
        words.append("seribu" if head == 1 else f"{_below_thousand(head)} ribu")
    if n:
        words.append(_below_thousand(n))
    return " ".join(words)


def terbilang_rupiah(value) -> str:
    """ "Dua puluh juta rupiah": the words under a RAB's total."""
    text = terbilang(value) + " rupiah"
    return text[0].upper() + text[1:]
