from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, Regexp

from krs.fields import IndonesianDecimalField, WholeNumberField
from krs.models import DesignFileKind, Structure

CODE_HINT = _l("Huruf, titik, dua angka, mis. P.01 atau S.02.")


class DesignForm(FlaskForm):
    # "" = national (admins only); else the id of the office that keeps the design
    unit_id = SelectField(_l("Pemilik desain"), validators=[Optional()])
    code = StringField(
        _l("Kode desain"),
        validators=[
            DataRequired(),
            Length(max=30),
            Regexp(
                r"^[A-Za-z0-9][A-Za-z0-9.\-_/]*$",
                message=_l("Gunakan huruf, angka, titik atau tanda hubung."),
            ),
        ],
        description=_l("Mis. T36-INTI atau JAWA2-T45-RISHA."),
    )
    name = StringField(_l("Nama desain"), validators=[DataRequired(), Length(max=200)])
    house_type = StringField(
        _l("Tipe rumah"), validators=[Optional(), Length(max=40)], description=_l("Mis. Tipe 36, Tipe 45.")
    )
    floor_area_m2 = IndonesianDecimalField(
        _l("Luas lantai (m²)"),
        places=2,
        validators=[InputRequired(), NumberRange(min=1, max=99999)],
        description=_l("Ketik seperti 36,5."),
    )
    floors = WholeNumberField(_l("Jumlah lantai"), validators=[InputRequired(), NumberRange(min=1, max=5)])
    bedrooms = WholeNumberField(_l("Kamar tidur"), validators=[InputRequired(), NumberRange(min=0, max=20)])
    rooms = TextAreaField(
        _l("Ruang-ruang"),
        validators=[Optional(), Length(max=2000)],
        description=_l("Mis. 2 kamar tidur, ruang keluarga, dapur, kamar mandi/WC."),
    )
    structure = SelectField(_l("Struktur"), choices=Structure.choices(), validators=[DataRequired()])
    quake_notes = TextAreaField(_l("Catatan tahan gempa"), validators=[Optional(), Length(max=4000)])
    description = TextAreaField(_l("Keterangan"), validators=[Optional(), Length(max=4000)])
    active = BooleanField(_l("Aktif (dapat diserahkan ke kasus)"), default=True)


class LineForm(FlaskForm):
    work_item_code = StringField(
        _l("Kode pekerjaan"),
        validators=[
            DataRequired(),
            Length(max=30),
            Regexp(r"^\s*[A-Za-z]{1,3}\.[0-9]{2,3}\s*$", message=CODE_HINT),
        ],
        description=CODE_HINT,
    )
    volume = IndonesianDecimalField(
        _l("Volume"), places=3, validators=[InputRequired(), NumberRange(min=0.001, max=999999)]
    )
    note = StringField(_l("Catatan"), validators=[Optional(), Length(max=300)])


class FileForm(FlaskForm):
    kind = SelectField(_l("Jenis gambar"), choices=DesignFileKind.choices(), validators=[DataRequired()])
    title = StringField(_l("Judul"), validators=[Optional(), Length(max=200)])
    upload = FileField(_l("Berkas (JPG/PNG/WebP atau PDF)"))


class HandOutForm(FlaskForm):
    design_id = SelectField(_l("Desain"), coerce=int, validators=[InputRequired()])
    version = HiddenField()


class DeleteForm(FlaskForm):
    """A remove button: only the CSRF token."""
