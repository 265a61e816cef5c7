"""The English catalogue stays complete: every extracted message is translated, placeholders survive
translation, and translations/messages.pot matches what the code and templates actually contain."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
POT = ROOT / "translations" / "messages.pot"
EN_PO = ROOT / "translations" / "en" / "LC_MESSAGES" / "messages.po"

HOW_TO_FIX = (
    "Run the translation commands from README.md in the project root: "
    "`pybabel extract -F babel.cfg -k _l -k lazy_gettext -o translations/messages.pot .` then "
    "`pybabel update -i translations/messages.pot -d translations -l en`, "
    "translate the new entries in translations/en/LC_MESSAGES/messages.po, "
    "and check them with `pybabel compile -d translations`."
)

# Python %-style conversions: %(name)s / %(n)d ... and positional %s / %d; %% is a literal percent.
PLACEHOLDER = re.compile(r"%(?:\((?P<name>\w+)\))?[-#0 +]*(?:\d+|\*)?(?:\.\d+)?[diouxXeEfFgGcrsa%]")


def _placeholders(text: str) -> list[str]:
    found = []
    for m in PLACEHOLDER.finditer(text):
        if m.group(0) == "%%":
            continue
        found.append(m.group(0))
    return sorted(found)


def _read(path: Path):
    with path.open("rb") as f:
        return read_po(f, locale="en" if path == EN_PO else None)


def _key(message) -> tuple:
    return (message.context, message.id)


def _messages(catalog) -> dict:
    """Every real entry, keyed by (msgctxt, msgid); the header entry (empty msgid) is skipped."""
    return {_key(m): m for m in catalog if m.id}


def _label(key: tuple) -> str:
    context, msgid = key
    text = msgid if isinstance(msgid, str) else " | ".join(msgid)
    return f"[{context}] {text!r}" if context else repr(text)


@pytest.fixture(scope="module")
def template_messages() -> dict:
    return _messages(_read(POT))


@pytest.fixture(scope="module")
def english_messages() -> dict:
    return _messages(_read(EN_PO))


def test_every_template_message_has_an_english_translation(template_messages, english_messages):
    assert template_messages, f"{POT} holds no messages"
    missing, empty, fuzzy = [], [], []
    for key in template_messages:
        message = english_messages.get(key)
        if message is None:
            missing.append(_label(key))
            continue
        forms = message.string if isinstance(message.string, (tuple, list)) else [message.string]
        if not forms or not all(s and s.strip() for s in forms):
            empty.append(_label(key))
        elif message.fuzzy:
            fuzzy.append(_label(key))  # compile skips fuzzy entries: users would see Indonesian
    problems = []
    if missing:
        problems.append(f"{len(missing)} not in the en catalogue: {missing}")
    if empty:
        problems.append(f"{len(empty)} without an English translation: {empty}")
    if fuzzy:
        problems.append(f"{len(fuzzy)} still marked fuzzy (check, then drop the flag): {fuzzy}")
    assert not problems, "\n".join(problems) + "\n" + HOW_TO_FIX


def test_translations_keep_the_placeholders_of_their_msgid(english_messages):
    wrong = []
    for key, message in english_messages.items():
        if isinstance(message.id, (tuple, list)):
            # Plural entry: an English singular may drop the count ("one case"), but together the
            # forms must use every placeholder, and no form may invent one.
            wanted = set(_placeholders(message.id[0])) | set(_placeholders(message.id[1]))
            forms = [s for s in message.string if s]
            used = set().union(*(_placeholders(s) for s in forms)) if forms else set()
            if forms and (used != wanted):
                wrong.append(f"{_label(key)}: expects {sorted(wanted)}, forms use {sorted(used)}")
        elif message.string:
            expected, got = _placeholders(message.id), _placeholders(message.string)
            if expected != got:
                wrong.append(f"{_label(key)} -> {message.string!r}: expects {expected}, has {got}")
    assert not wrong, "Placeholders must be copied exactly (e.g. %(name)s):\n" + "\n".join(wrong)


def test_message_template_is_up_to_date_with_the_code(tmp_path, template_messages):
    pybabel = Path(sys.executable).parent / "pybabel"
    assert pybabel.exists(), f"pybabel not found next to {sys.executable}; install the dev dependencies"
    fresh = tmp_path / "messages.pot"
    result = subprocess.run(
        [
            str(pybabel),
            "-q",
            "extract",
            "-F",
            "babel.cfg",
            "-k",
            "_l",
            "-k",
            "lazy_gettext",
            "-o",
            str(fresh),
            ".",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, f"pybabel extract failed:\n{result.stderr}"
    extracted = _messages(_read(fresh))
    assert extracted, "extraction found no messages; is babel.cfg still right?"

    new = sorted(_label(k) for k in extracted.keys() - template_messages.keys())
    gone = sorted(_label(k) for k in template_messages.keys() - extracted.keys())
    problems = []
    if new:
        problems.append(f"{len(new)} message(s) in the code but not in translations/messages.pot: {new}")
    if gone:
        problems.append(f"{len(gone)} message(s) in translations/messages.pot no longer in the code: {gone}")
    assert not problems, "translations/messages.pot is stale.\n" + "\n".join(problems) + "\n" + HOW_TO_FIX
