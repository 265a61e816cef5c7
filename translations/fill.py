"""Fill English translations from a small table: `python translations/fill.py`.

Keeps the English catalogue complete after `pybabel update` brought in new Indonesian strings;
tests/unit/test_translations.py fails while any message is untranslated.
"""

import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po

PO = Path(__file__).parent / "en" / "LC_MESSAGES" / "messages.po"

NEW = {
    ("%(num)s kasus", "%(num)s kasus"): ("%(num)s case", "%(num)s cases"),
    "Tanggal masuk": "Received",
}


def main() -> int:
    with PO.open("rb") as fh:
        catalog = read_po(fh)
    missing = []
    for message in catalog:
        if not message.id:
            continue
        if message.id in NEW:
            message.string = NEW[message.id]
            message.flags.discard("fuzzy")
        empty = not all(message.string) if isinstance(message.id, tuple) else not message.string
        if empty or message.fuzzy:
            missing.append(message.id)
    with PO.open("wb") as fh:
        write_po(fh, catalog, width=100)
    for msgid in missing:
        print("untranslated:", msgid)
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
