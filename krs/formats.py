"""How values are written on the pages: dates like `27 Nov 2026`, times in the office's zone,
Rupiah, plain numbers in the user's language (`10.000` / `10,000`).

Pure formatting; krs.templating registers these as Jinja filters, and views that compose text
(flash messages) call them directly.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from functools import lru_cache
from zoneinfo import ZoneInfo

from babel.numbers import format_decimal
from flask_babel import format_date
from flask_babel import format_decimal as format_number_in_locale
from flask_login import current_user

from krs.workdays import ZONE_ABBREVIATIONS


def fmt_date(value: date | datetime | None) -> str:
    if value is None:
        return "–"
    return format_date(value, "d MMM y")


def fmt_month_short(month: str) -> str:
    """The short name of a `YYYY-MM` month in the user's language: `Mei` (id), `May` (en)."""
    return format_date(date(int(month[:4]), int(month[5:7]), 1), "LLL")


def fmt_datetime(value: datetime | None, tz_name: str | None = None) -> str:
    """`27 Nov 2026 14:05 WIB` in the given zone (the record's office), else the user's office."""
    if value is None:
        return "–"
    if tz_name is None:
        tz_name = current_user.unit.timezone if current_user.is_authenticated else "Asia/Jakarta"
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    local = value.astimezone(ZoneInfo(tz_name))
    return f"{format_date(local.date(), 'd MMM y')} {local:%H:%M} {ZONE_ABBREVIATIONS.get(tz_name, tz_name)}"


def fmt_rupiah(value: int | None) -> str:
    if value is None:
        return "–"
    return "Rp " + format_decimal(value, format="#,##0", locale="id")


def fmt_number(value: int | None) -> str:
    """A whole number grouped as the user's language writes it: `10.000` (id), `10,000` (en)."""
    if value is None:
        return "–"
    return format_number_in_locale(value)


def fmt_num(value, places: int = 1) -> str:
    """Indonesian figure of the reports: 1.234,5; a dash for no value."""
    if value is None:
        return "–"
    return _fmt_num(value, type(value), places)


@lru_cache(maxsize=4096)
def _fmt_num(value, _kind: type, places: int) -> str:
    """The same figure is written many times on a dashboard (zeros, counts): formatted once per
    value, type and places (the pattern depends on the type: 1 and 1.0 are different figures)."""
    pattern = "#,##0" if isinstance(value, int) else "#,##0." + "0" * places
    return format_decimal(value, format=pattern, locale="id")


def fmt_percent(value) -> str:
    return "–" if value is None else fmt_num(float(value), 1) + "%"


def in_both_languages(*parts) -> tuple[str, str]:
    """A text the app writes for later readers (a system line on a case's timeline), as
    (Indonesian, English): the parts are lazy strings (or plain text), joined by a space. The
    Indonesian is stored as the event's body, the English beside it (`data["body_en"]`), so each
    reader reads it in their own language whoever wrote it."""
    from flask_babel import force_locale

    texts = []
    for lang in ("id", "en"):
        with force_locale(lang):
            texts.append(" ".join(str(p) for p in parts if p))
    return texts[0], texts[1]
