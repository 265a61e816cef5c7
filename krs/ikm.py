"""The IKM (Indeks Kepuasan Masyarakat, PermenPANRB 14/2017): the nine elements and the arithmetic.

IKM = (mean of the nine NRR) x 25, where the NRR of an element is the mean of its answers (1-4).
The exact weight of each element is 1/9; some offices' spreadsheets round it to 0.11, which caps
the index at 99 — `IkmResult.ikm_spreadsheet` gives that figure only to be shown labelled as such.

Pure definitions and sums (no queries): the surveys feature collects the answers, the reports
feature adds them up per unit; both use this module.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from flask_babel import lazy_gettext as _l

SPREADSHEET_WEIGHT = Decimal("0.11")


@dataclass(frozen=True)
class Element:
    code: str
    name: str
    question: str
    answers: tuple  # labels for 1, 2, 3, 4


ELEMENTS: tuple[Element, ...] = (
    Element(
        "u1",
        _l("Persyaratan"),
        _l("Bagaimana pendapat Bapak/Ibu tentang kesesuaian persyaratan pelayanan dengan jenis layanannya?"),
        (_l("Tidak sesuai"), _l("Kurang sesuai"), _l("Sesuai"), _l("Sangat sesuai")),
    ),
    Element(
        "u2",
        _l("Sistem, mekanisme dan prosedur"),
        _l("Bagaimana pemahaman Bapak/Ibu tentang kemudahan prosedur pelayanan di unit ini?"),
        (_l("Tidak mudah"), _l("Kurang mudah"), _l("Mudah"), _l("Sangat mudah")),
    ),
    Element(
        "u3",
        _l("Waktu penyelesaian"),
        _l("Bagaimana pendapat Bapak/Ibu tentang kecepatan waktu dalam memberikan pelayanan?"),
        (_l("Tidak cepat"), _l("Kurang cepat"), _l("Cepat"), _l("Sangat cepat")),
    ),
    Element(
        "u4",
        _l("Biaya/tarif"),
        _l("Bagaimana pendapat Bapak/Ibu tentang biaya/tarif dalam pelayanan?"),
        (_l("Sangat mahal"), _l("Cukup mahal"), _l("Murah"), _l("Gratis")),
    ),
    Element(
        "u5",
        _l("Produk spesifikasi jenis pelayanan"),
        _l("Bagaimana pendapat Bapak/Ibu tentang kesesuaian hasil pelayanan dengan yang dijanjikan?"),
        (_l("Tidak sesuai"), _l("Kurang sesuai"), _l("Sesuai"), _l("Sangat sesuai")),
    ),
    Element(
        "u6",
        _l("Kompetensi pelaksana"),
        _l("Bagaimana pendapat Bapak/Ibu tentang kemampuan petugas dalam memberikan pelayanan?"),
        (_l("Tidak mampu"), _l("Kurang mampu"), _l("Mampu"), _l("Sangat mampu")),
    ),
    Element(
        "u7",
        _l("Perilaku pelaksana"),
        _l("Bagaimana pendapat Bapak/Ibu tentang kesopanan dan keramahan petugas?"),
        (
            _l("Tidak sopan dan ramah"),
            _l("Kurang sopan dan ramah"),
            _l("Sopan dan ramah"),
            _l("Sangat sopan dan ramah"),
        ),
    ),
    Element(
        "u8",
        _l("Sarana dan prasarana"),
        _l("Bagaimana pendapat Bapak/Ibu tentang kualitas sarana dan prasarana pelayanan?"),
        (_l("Buruk"), _l("Cukup"), _l("Baik"), _l("Sangat baik")),
    ),
    Element(
        "u9",
        _l("Penanganan pengaduan, saran dan masukan"),
        _l("Bagaimana pendapat Bapak/Ibu tentang penanganan pengaduan, saran dan masukan?"),
        (
            _l("Tidak ada"),
            _l("Ada tetapi tidak berfungsi"),
            _l("Berfungsi kurang maksimal"),
            _l("Dikelola dengan baik"),
        ),
    ),
)
CODES = tuple(e.code for e in ELEMENTS)

# (lowest IKM of the band, grade, label) — PermenPANRB 14/2017, converted interval values
GRADES = (
    (Decimal("88.31"), "A", _l("Sangat Baik")),
    (Decimal("76.61"), "B", _l("Baik")),
    (Decimal("65.00"), "C", _l("Kurang Baik")),
    (Decimal("25.00"), "D", _l("Tidak Baik")),
)


def _round2(value: Decimal) -> Decimal:
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def grade_for(ikm: Decimal | None) -> tuple[str, str] | None:
    if ikm is None:
        return None
    rounded = _round2(ikm)
    for lowest, grade, label in GRADES:
        if rounded >= lowest:
            return grade, str(label)
    return "D", str(GRADES[-1][2])


@dataclass
class IkmResult:
    respondents: int
    nrr: dict = field(default_factory=dict)  # element code -> Decimal mean (1-4)
    ikm: Decimal | None = None  # exact (weight 1/9), not rounded
    ikm_spreadsheet: Decimal | None = None  # weight 0.11 as some spreadsheets do; labelled when shown

    @property
    def grade(self) -> str | None:
        g = grade_for(self.ikm)
        return g[0] if g else None

    @property
    def grade_label(self) -> str | None:
        g = grade_for(self.ikm)
        return g[1] if g else None

    @property
    def ikm_display(self) -> Decimal | None:
        return _round2(self.ikm) if self.ikm is not None else None


def ikm_from_sums(respondents: int, sums: dict) -> IkmResult:
    """The index from the number of respondents and the sum of answers per element."""
    if not respondents:
        return IkmResult(0)
    n = Decimal(respondents)
    nrr = {code: Decimal(int(sums[code] or 0)) / n for code in CODES}
    mean = sum(nrr.values()) / Decimal(len(CODES))
    return IkmResult(
        respondents=respondents,
        nrr=nrr,
        ikm=mean * 25,
        ikm_spreadsheet=sum(v * SPREADSHEET_WEIGHT for v in nrr.values()) * 25,
    )


def ikm_from_answers(answer_rows: list[list[int]]) -> IkmResult:
    sums = {code: sum(row[i] for row in answer_rows) for i, code in enumerate(CODES)}
    return ikm_from_sums(len(answer_rows), sums)
