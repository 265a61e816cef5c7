from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import RadioField, SelectField

from krs.imports.service import TARGETS

NO_COLUMN = ""


class UploadForm(FlaskForm):
    unit_id = SelectField(_l("Kantor"), coerce=int)
    file = FileField(
        _l("Berkas Excel (.xlsx)"),
        validators=[FileRequired(_l("Pilih berkas Excel yang akan diunggah."))],
        description=_l(
            "Baris pertama berisi judul kolom: tanggal, nama, NIK, nomor HP, alamat, desa/kelurahan, "
            "layanan, status, catatan. Maksimal 20.000 baris."
        ),
    )


class ActionForm(FlaskForm):
    """Confirm and undo: a button and the CSRF token."""


def mapping_form(headers: list[str], mapping: dict, stop_on_problem: bool, formdata=None):
    """A select per target field (the file's columns as choices), pre-set to the guesses."""

    class MappingForm(FlaskForm):
        on_problem = RadioField(
            _l("Bila ada baris bermasalah"),
            choices=[
                ("skip", _l("Lewati baris bermasalah, impor baris lainnya")),
                ("stop", _l("Hentikan: jangan impor apa pun sampai semua baris benar")),
            ],
            default="stop" if stop_on_problem else "skip",
        )

    choices = [(NO_COLUMN, _l("— tidak ada —"))] + [
        (str(i), h or _l("Kolom %(n)s (tanpa judul)", n=i + 1)) for i, h in enumerate(headers)
    ]
    for name, label, _required in TARGETS:
        chosen = mapping.get(name)
        setattr(
            MappingForm,
            f"col_{name}",
            SelectField(label, choices=choices, default=NO_COLUMN if chosen is None else str(chosen)),
        )
    form = MappingForm(formdata=formdata) if formdata is not None else MappingForm()
    return form


def mapping_of(form) -> dict:
    out = {}
    for name, _label, _required in TARGETS:
        value = getattr(form, f"col_{name}").data
        out[name] = int(value) if value not in (None, NO_COLUMN) else None
    return out
