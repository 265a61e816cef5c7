"""Shared base of the models: UTC timestamps and labelled string enums."""

from __future__ import annotations

import enum
from datetime import UTC, datetime


def utcnow() -> datetime:
    return datetime.now(UTC)


class LabelledEnum(enum.StrEnum):
    """A string enum whose members carry an Indonesian label (translated through Babel)."""

    @property
    def label(self) -> str:
        return str(self._labels().get(self.value, self.value))

    @classmethod
    def _labels(cls) -> dict:
        return {}

    @classmethod
    def has(cls, value) -> bool:
        return isinstance(value, str) and value in cls._value2member_map_

    @classmethod
    def choices(cls) -> list[tuple[str, str]]:
        return [(m.value, m.label) for m in cls]
