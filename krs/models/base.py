"""Shared base of the models: UTC timestamps and labelled string enums."""

from __future__ import annotations

import enum
from datetime import UTC, datetime

from flask_babel import force_locale


def utcnow() -> datetime:
    return datetime.now(UTC)


_INDONESIAN: dict[type, dict[str, str]] = {}
_LAZY: dict[type, dict] = {}


class LabelledEnum(enum.StrEnum):
    """A string enum whose members carry an Indonesian label (translated through Babel).

    `label` is the text in the request's language, for code that runs per request; `lazy_label`
    and `choices()` stay lazy, so a form class built once at import still shows its choices in the
    language of each request (issue 15)."""

    @property
    def label(self) -> str:
        return str(self.lazy_label)

    @property
    def lazy_label(self):
        # the lazy strings are built once per enumeration (they translate when shown): a case
        # page asks for a few dozen labels, each used to build the whole table anew (issue 17)
        labels = _LAZY.get(type(self))
        if labels is None:
            labels = _LAZY[type(self)] = self._labels()
        return labels.get(self.value, self.value)

    @classmethod
    def _labels(cls) -> dict:
        return {}

    @classmethod
    def indonesian_labels(cls) -> dict[str, str]:
        """The built-in Indonesian labels (the catalogue's source text), in any request language."""
        if cls not in _INDONESIAN:
            with force_locale("id"):
                _INDONESIAN[cls] = {value: str(label) for value, label in cls._labels().items()}
        return _INDONESIAN[cls]

    @classmethod
    def has(cls, value) -> bool:
        return isinstance(value, str) and value in cls._value2member_map_

    @classmethod
    def choices(cls) -> list[tuple[str, object]]:
        """(value, lazy label) pairs: rendered in the language of the request that shows them."""
        return [(m.value, m.lazy_label) for m in cls]
