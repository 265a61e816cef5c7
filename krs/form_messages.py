"""WTForms' built-in validation messages in Indonesian.

WTForms ships no Indonesian catalogue, so a field left empty or a number typed as text showed
"This field is required." or "Not a valid integer value." on an Indonesian page. FlaskForm asks
its Meta for translations; `register` answers with this table when the interface is Indonesian
and with Flask-WTF's own catalogue (English) otherwise.

Issue 13 (point 10): a message missing from the table used to pass through in English (the
Flask-WTF file validators' messages were missing, and the form-level CSRF check raises English
text without asking for a translation at all). In the Indonesian interface an unknown message
now becomes a general Indonesian one, never English, and the CSRF check's messages are
translated too; tests/unit/test_form_messages.py checks that every message of the installed
WTForms and Flask-WTF has its own line here.
"""

from __future__ import annotations

from flask import Flask
from flask_babel import get_locale
from flask_wtf import FlaskForm
from flask_wtf.csrf import _FlaskFormCSRF
from flask_wtf.i18n import translations as wtforms_catalogue
from wtforms.validators import ValidationError

MESSAGES = {
    "This field is required.": "Wajib diisi.",
    "Invalid input.": "Isian tidak valid.",
    "Not a valid integer value.": "Isi dengan bilangan bulat (angka tanpa titik atau koma).",
    "Not a valid decimal value.": "Isi dengan angka, misalnya 36 atau 36,5.",
    "Not a valid float value.": "Isi dengan angka.",
    "Not a valid datetime value.": "Tanggal dan jam tidak valid.",
    "Not a valid date value.": "Tanggal tidak valid.",
    "Not a valid time value.": "Jam tidak valid.",
    "Not a valid week value.": "Minggu tidak valid.",
    "Not a valid choice.": "Pilihan tidak valid; pilih dari daftar.",
    "Invalid Choice: could not coerce.": "Pilihan tidak valid; pilih dari daftar.",
    "Choices cannot be None.": "Pilihan tidak tersedia.",
    "Invalid choice(s): one or more data inputs could not be coerced.": "Ada pilihan yang tidak valid.",
    "Field must be equal to %(other_name)s.": "Isian harus sama dengan %(other_name)s.",
    "Field must be between %(min)d and %(max)d characters long.": "Panjang isian %(min)d–%(max)d karakter.",
    "Number must be at least %(min)s.": "Angka minimal %(min)s.",
    "Number must be at most %(max)s.": "Angka maksimal %(max)s.",
    "Number must be between %(min)s and %(max)s.": "Angka harus antara %(min)s dan %(max)s.",
    "Date must be at least %(min)s.": "Tanggal paling awal %(min)s.",
    "Date must be at most %(max)s.": "Tanggal paling akhir %(max)s.",
    "Date must be between %(min)s and %(max)s.": "Tanggal harus antara %(min)s dan %(max)s.",
    "Invalid email address.": "Alamat email tidak valid.",
    "Invalid URL.": "Alamat web tidak valid.",
    "Invalid value, must be one of: %(values)s.": "Isian harus salah satu dari: %(values)s.",
    "Invalid value, can't be any of: %(values)s.": "Isian tidak boleh: %(values)s.",
    "This field cannot be edited.": "Isian ini tidak dapat diubah.",
    "This field is disabled and cannot have a value.": "Isian ini nonaktif.",
    "Invalid CSRF Token.": "Sesi formulir tidak valid; muat ulang halaman.",
    "CSRF token missing.": "Sesi formulir tidak valid; muat ulang halaman.",
    "CSRF failed.": "Sesi formulir tidak valid; muat ulang halaman.",
    "CSRF token expired.": "Sesi formulir kedaluwarsa; muat ulang halaman.",
    "Invalid IP address.": "Alamat IP tidak valid.",
    "Invalid Mac address.": "Alamat MAC tidak valid.",
    "Invalid UUID.": "UUID tidak valid.",
    "Invalid field name '%s'.": "Nama isian '%s' tidak valid.",
    # Flask-WTF's file validators
    "File does not have an approved extension: {extensions}": (
        "Jenis berkas tidak diterima; gunakan: {extensions}"
    ),
    "File does not have an approved extension.": "Jenis berkas tidak diterima.",
    # Flask-WTF's form-level CSRF check (raised without gettext: translated in IndonesianCSRF)
    "The CSRF token is missing.": "Sesi formulir tidak valid; muat ulang halaman.",
    "The CSRF session token is missing.": "Sesi formulir tidak valid; muat ulang halaman.",
    "The CSRF token has expired.": "Sesi formulir kedaluwarsa; muat ulang halaman.",
    "The CSRF token is invalid.": "Sesi formulir tidak valid; muat ulang halaman.",
    "The CSRF tokens do not match.": "Sesi formulir tidak valid; muat ulang halaman.",
}
# Any other message (a newer WTForms, a validator built with an f-string such as Flask-WTF's
# FileSize): Indonesian, general, never English.
FALLBACK = "Isian tidak valid; periksa kembali."
PLURALS = {
    "Field must be at least %(min)d character long.": "Isian minimal %(min)d karakter.",
    "Field cannot be longer than %(max)d character.": "Isian maksimal %(max)d karakter.",
    "Field must be exactly %(max)d character long.": "Isian harus tepat %(max)d karakter.",
    "'%(value)s' is not a valid choice for this field.": "'%(value)s' bukan pilihan yang valid.",
}


class IndonesianFormMessages:
    def gettext(self, string: str) -> str:
        if _indonesian():
            return MESSAGES.get(string, FALLBACK)
        return wtforms_catalogue.gettext(string)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        if _indonesian():
            return PLURALS.get(singular, FALLBACK)
        return wtforms_catalogue.ngettext(singular, plural, n)


def _indonesian() -> bool:
    locale = get_locale()
    return locale is None or locale.language == "id"


_messages = IndonesianFormMessages()


def _get_translations(self, form):
    return _messages


class IndonesianCSRF(_FlaskFormCSRF):
    """Flask-WTF's form-level token check, its (English, untranslated) messages passed through
    the table above. CSRFProtect usually checks first; this check speaks when it did not."""

    def validate_csrf_token(self, form, field):
        try:
            super().validate_csrf_token(form, field)
        except ValidationError as exc:
            english = str(exc.args[0]) if exc.args else ""
            raise ValidationError(_messages.gettext(english)) from exc


def register(app: Flask) -> None:
    FlaskForm.Meta.get_translations = _get_translations
    FlaskForm.Meta.csrf_class = IndonesianCSRF
