"""WTForms' built-in validation messages in Indonesian.

WTForms ships no Indonesian catalogue, so a field left empty or a number typed as text showed
"This field is required." or "Not a valid integer value." on an Indonesian page. FlaskForm asks
its Meta for translations; `register` answers with this table when the interface is Indonesian
and with Flask-WTF's own catalogue (English) otherwise.
"""

from __future__ import annotations

from flask import Flask
from flask_babel import get_locale
from flask_wtf import FlaskForm
from flask_wtf.i18n import translations as wtforms_catalogue

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
}
PLURALS = {
    "Field must be at least %(min)d character long.": "Isian minimal %(min)d karakter.",
    "Field cannot be longer than %(max)d character.": "Isian maksimal %(max)d karakter.",
    "Field must be exactly %(max)d character long.": "Isian harus tepat %(max)d karakter.",
    "'%(value)s' is not a valid choice for this field.": "'%(value)s' bukan pilihan yang valid.",
}


class IndonesianFormMessages:
    def gettext(self, string: str) -> str:
        if _indonesian():
            return MESSAGES.get(string, string)
        return wtforms_catalogue.gettext(string)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        if _indonesian():
            return PLURALS.get(singular, singular if n == 1 else plural)
        return wtforms_catalogue.ngettext(singular, plural, n)


def _indonesian() -> bool:
    locale = get_locale()
    return locale is None or locale.language == "id"


_messages = IndonesianFormMessages()


def _get_translations(self, form):
    return _messages


def register(app: Flask) -> None:
    FlaskForm.Meta.get_translations = _get_translations
