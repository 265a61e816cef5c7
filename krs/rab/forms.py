"""Forms of price lists, work items, aid ceilings and the RAB builder (Indonesian numbers)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, DateField, HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, Regexp

from krs.fields import IndonesianDecimalField, IndonesianIntegerField, WholeNumberField
from krs.models import ResourceKind

# what a Numeric(15, 2) price and a Numeric(12, 3) volume can hold, with room: larger is a typo
MAX_RUPIAH = 1_000_000_000_000  # Rp 1 triliun
MAX_VOLUME = 100_000


class PriceListForm(FlaskForm):
    unit_id = SelectField(_l("Unit"), coerce=int, validators=[InputRequired()])
    regency_code = SelectField(_l("Kabupaten/kota"), validators=[DataRequired()])
    year = WholeNumberField(_l("Tahun"), validators=[InputRequired(), NumberRange(min=2000, max=2100)])
    name = StringField(_l("Nama daftar harga"), validators=[DataRequired(), Length(max=200)])
    source = TextAreaField(
        _l("Sumber"),
        validators=[Optional(), Length(max=2000)],
        description=_l("Mis. HSPK/SSH kabupaten tahun ..., survei toko bangunan setempat."),
    )
    source_date = DateField(_l("Tanggal sumber"), validators=[Optional()])


class PriceItemForm(FlaskForm):
    code = StringField(
        _l("Kode"),
        validators=[DataRequired(), Length(max=30)],
        description=_l("Sama dengan kode sumber daya pada koefisien, mis. M.SEMEN."),
    )
    kind = SelectField(_l("Jenis"), choices=ResourceKind.choices(), validators=[DataRequired()])
    name = StringField(_l("Uraian"), validators=[DataRequired(), Length(max=200)])
    unit = StringField(_l("Satuan"), validators=[DataRequired(), Length(max=20)])
    price = IndonesianIntegerField(
        _l("Harga (Rp)"), validators=[InputRequired(), NumberRange(min=0, max=MAX_RUPIAH)]
    )
    source = StringField(_l("Sumber"), validators=[Optional(), Length(max=300)])


class ImportForm(FlaskForm):
    file = FileField(_l("Berkas XLSX (kolom kode, uraian, satuan, harga, jenis, sumber)"))
    token = HiddenField()


class CopyForm(FlaskForm):
    year = WholeNumberField(_l("Tahun baru"), validators=[InputRequired(), NumberRange(min=2000, max=2100)])
    percent = StringField(
        _l("Penyesuaian harga"),
        validators=[DataRequired(), Length(max=20)],
        description=_l("Dalam persen, mis. +5,5 atau -2."),
    )
    name = StringField(_l("Nama daftar baru"), validators=[DataRequired(), Length(max=200)])


class WorkItemForm(FlaskForm):
    code = StringField(_l("Kode"), validators=[DataRequired(), Length(max=30), Regexp(r"^[A-Za-z0-9._-]+$")])
    group = StringField(_l("Kelompok"), validators=[DataRequired(), Length(max=40)])
    name = StringField(_l("Uraian pekerjaan"), validators=[DataRequired(), Length(max=300)])
    unit = StringField(_l("Satuan"), validators=[DataRequired(), Length(max=20)])
    source = TextAreaField(_l("Sumber analisa"), validators=[Optional(), Length(max=2000)])
    is_example = BooleanField(_l("Contoh — koefisien perlu diperiksa"))
    active = BooleanField(_l("Aktif"), default=True)
    coefficients = TextAreaField(
        _l("Koefisien"),
        validators=[Optional(), Length(max=20000)],
        description=_l(
            "Satu baris per sumber daya: kode | jenis (bahan/upah/alat) | nama | satuan | koefisien | sumber."
        ),
    )


class CeilingForm(FlaskForm):
    ceiling_id = HiddenField()
    name = StringField(_l("Program dan jenis bantuan"), validators=[DataRequired(), Length(max=200)])
    amount = IndonesianIntegerField(
        _l("Plafon per rumah (Rp)"), validators=[InputRequired(), NumberRange(min=0, max=MAX_RUPIAH)]
    )
    valid_from = DateField(_l("Berlaku sejak"), validators=[Optional()])
    source = StringField(_l("Sumber"), validators=[Optional(), Length(max=300)])
    active = BooleanField(_l("Aktif"), default=True)


class NewRabForm(FlaskForm):
    title = StringField(
        _l("Judul"),
        validators=[Optional(), Length(max=200)],
        description=_l("Mis. Peningkatan kualitas rumah, atau Rumah tipe 36."),
    )
    price_list_id = SelectField(_l("Daftar harga"), coerce=int, validators=[InputRequired()])
    design_id = SelectField(_l("Templat desain (opsional)"), coerce=int, validators=[Optional()])


class AddLinesForm(FlaskForm):
    design_id = SelectField(_l("Templat desain"), coerce=int, validators=[Optional()])
    work_item_ids = HiddenField()


class LineForm(FlaskForm):
    volume = IndonesianDecimalField(
        _l("Volume"), places=3, validators=[InputRequired(), NumberRange(min=0, max=MAX_VOLUME)]
    )
    volume_note = StringField(_l("Catatan volume"), validators=[Optional(), Length(max=300)])
    by_household = BooleanField(_l("Ditanggung rumah tangga (bahan sendiri/gotong royong)"))
    # the helper for simple quantities
    shape = SelectField(
        _l("Bantu hitung"),
        choices=[
            ("", _l("— isi volume langsung —")),
            ("wall", _l("Dinding: panjang × tinggi − bukaan")),
            ("area", _l("Luas: panjang × lebar")),
            ("box", _l("Volume: panjang × lebar × tinggi")),
        ],
        validators=[Optional()],
    )
    length = IndonesianDecimalField(
        _l("Panjang (m)"), places=3, validators=[Optional(), NumberRange(min=0, max=MAX_VOLUME)]
    )
    width = IndonesianDecimalField(
        _l("Lebar atau tinggi (m)"), places=3, validators=[Optional(), NumberRange(min=0, max=MAX_VOLUME)]
    )
    height = IndonesianDecimalField(
        _l("Tinggi (m, untuk volume)"), places=3, validators=[Optional(), NumberRange(min=0, max=MAX_VOLUME)]
    )
    openings = IndonesianDecimalField(
        _l("Luas bukaan pintu/jendela (m²)"),
        places=3,
        validators=[Optional(), NumberRange(min=0, max=MAX_VOLUME)],
    )


class SettingsForm(FlaskForm):
    title = StringField(_l("Judul"), validators=[Optional(), Length(max=200)])
    price_list_id = SelectField(_l("Daftar harga"), coerce=int, validators=[InputRequired()])
    overhead_pct = IndonesianDecimalField(
        _l("Biaya umum dan keuntungan (%)"),
        places=2,
        validators=[Optional(), NumberRange(min=0, max=15)],
        description=_l("Opsional, paling banyak 15 %; untuk swadaya biasanya 0."),
    )
    smkk_amount = IndonesianIntegerField(
        _l("Biaya SMKK (Rp)"),
        validators=[Optional(), NumberRange(min=0, max=MAX_RUPIAH)],
        description=_l("Keselamatan konstruksi: APD, rambu, P3K."),
    )
    ceiling_id = SelectField(_l("Bandingkan dengan plafon bantuan"), coerce=int, validators=[Optional()])
