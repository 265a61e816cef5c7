"""Reading a pasted member list (issue 14): one member per line, name and NIK separated by a tab
(a paste from Excel), `;` or `,`, in either order — the NIK is the column made of digits.

Pure: no database. The caller says which NIKs the group already lists (krs.outreach.service).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from krs.fields import nik_problem, normalise_nik

NAME_MAX = 150
MAX_LINES = 1000
ROW_NUMBER_DIGITS = 4  # a column of at most this many digits beside a NIK is the sheet's row number
# a NIK as people type it: digits, maybe grouped with spaces, dots or dashes
_NUMBERISH = re.compile(r"^[\d\s.\-]+$")
# no separator at all: "Ani Lestari 3276015005900007" or "3276015005900007 Ani Lestari"
_TRAILING_NIK = re.compile(r"^(?P<name>.*?\D)\s+(?P<nik>\d{10,20})$")
_LEADING_NIK = re.compile(r"^(?P<nik>\d{10,20})\s+(?P<name>\D.*)$")
_HEADER_WORDS = {"nama", "nik", "name", "no", "nomor", "no."}


@dataclass
class MemberLine:
    """One pasted line as read: its number, the text, the name and NIK found, and what is wrong."""

    line_no: int
    text: str
    name: str = ""
    nik: str | None = None
    error: str | None = None
    header: bool = False  # a column heading row ("Nama<TAB>NIK"): skipped, not an error

    @property
    def ok(self) -> bool:
        return self.error is None and not self.header


def _columns(line: str) -> tuple[list[str], bool]:
    """The line's columns and whether a strict separator (tab or `;`) made them."""
    for sep in ("\t", ";"):
        if sep in line:
            return [c.strip() for c in line.split(sep)], True
    if "," in line:
        return [c.strip() for c in line.split(",")], False
    text = line.strip()
    for pattern in (_TRAILING_NIK, _LEADING_NIK):
        m = pattern.match(text)
        if m:
            return [m.group("name").strip(), m.group("nik")], True
    return [text], False


def read_line(line_no: int, text: str) -> MemberLine:
    found = MemberLine(line_no, text.strip())
    columns, strict = _columns(text)
    columns = [c for c in columns if c]
    numbers = [c for c in columns if _NUMBERISH.match(c) and any(ch.isdigit() for ch in c)]
    words = [c for c in columns if c not in numbers]
    if len(numbers) > 1:  # a numbered sheet: "1<TAB>Ani<TAB>3276…" — the short number is the row's
        numbers = [c for c in numbers if len(normalise_nik(c)) > ROW_NUMBER_DIGITS] or numbers
    if not numbers and words and all(w.lower().strip(" :") in _HEADER_WORDS for w in words):
        found.header = True
        return found
    if strict and len(words) > 1:
        found.name = words[0][:NAME_MAX]
        found.error = str(_l("Lebih dari dua kolom: tulis nama dan NIK saja."))
        return found
    # with commas only, a name may carry a title ("Sari, S.Pd"): its parts stay one name
    found.name = ", ".join(words)[:NAME_MAX]
    if len(numbers) > 1:
        found.error = str(_l("Lebih dari satu NIK pada baris ini."))
    elif numbers:
        found.nik = normalise_nik(numbers[0])
        problem = nik_problem(found.nik)
        if problem:
            found.error = str(problem)
    if not found.name and not found.error:
        found.error = str(_l("Nama anggota kosong."))
    elif not found.name:
        found.error = str(_l("Nama anggota kosong.")) + " " + found.error
    return found


def read_paste(text: str, known_niks: set[str] | frozenset[str] = frozenset()) -> list[MemberLine]:
    """Every non-empty line of a paste, read; a NIK twice in the paste, or already a member, is an error."""
    lines = []
    seen: dict[str, int] = {}
    for line_no, raw in enumerate((text or "").splitlines(), start=1):
        if not raw.strip():
            continue
        found = read_line(line_no, raw)
        if found.nik and not found.error:
            if found.nik in known_niks:
                found.error = str(_l("NIK ini sudah tercatat sebagai anggota kelompok."))
            elif found.nik in seen:
                found.error = str(_l("NIK sama dengan baris %(n)s.", n=seen[found.nik]))
            else:
                seen[found.nik] = line_no
        lines.append(found)
        if len(lines) > MAX_LINES:
            lines[-1].error = str(_l("Paling banyak %(n)s anggota sekali tempel.", n=MAX_LINES))
            break
    return lines
