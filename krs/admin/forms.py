from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    IntegerField,
    PasswordField,
    SelectField,
    StringField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, Regexp

from krs.fields import MultiCheckboxField
from krs.models import UnitKind

TIMEZONES = [
    ("Asia/Jakarta", _l("WIB (Asia/Jakarta)")),
    ("Asia/Makassar", _l("WITA (Asia/Makassar)")),
    ("Asia/Jayapura", _l("WIT (Asia/Jayapura)")),
]


class UnitForm(FlaskForm):
    code = StringField(
        _l("Kode"),
        validators=[
            DataRequired(),
            Regexp(r"^[A-Z0-9]{2,20}$", message=_l("Kode 2–20 huruf kapital/angka tanpa spasi, mis. JAWA4.")),
        ],
    )
    name = StringField(_l("Nama unit"), validators=[DataRequired(), Length(max=200)])
    kind = SelectField(_l("Jenis"), choices=UnitKind.choices(), validators=[DataRequired()])
    timezone = SelectField(_l("Zona waktu"), choices=TIMEZONES, validators=[DataRequired()])
    provinces = MultiCheckboxField(_l("Provinsi wilayah kerja"), validators=[Optional()])
    active = BooleanField(_l("Aktif"), default=True)

    def process_code(self):
        if self.code.data:
            self.code.data = self.code.data.strip().upper()


EMAIL_PATTERN = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"


class UserForm(FlaskForm):
    username = StringField(
        _l("Nama pengguna"),
        validators=[
            DataRequired(),
            Regexp(
                r"^[a-z0-9._-]{3,60}$", message=_l("3–60 huruf kecil, angka, titik, garis bawah atau strip.")
            ),
        ],
    )
    full_name = StringField(_l("Nama lengkap"), validators=[DataRequired(), Length(max=120)])
    role = SelectField(_l("Peran"), validators=[DataRequired()])
    unit_id = SelectField(_l("Unit"), coerce=int, validators=[InputRequired()])
    password = PasswordField(
        _l("Kata sandi awal"),
        validators=[Optional(), Length(max=200)],
        description=_l("Kosongkan agar dibuatkan otomatis. Pengguna wajib menggantinya saat pertama masuk."),
    )
    email = StringField(
        _l("Email (untuk pengingat harian, boleh dikosongkan)"),
        validators=[
            Optional(),
            Length(max=254),
            Regexp(EMAIL_PATTERN, message=_l("Alamat email tidak valid.")),
        ],
    )


class UserEditForm(FlaskForm):
    full_name = StringField(_l("Nama lengkap"), validators=[DataRequired(), Length(max=120)])
    role = SelectField(_l("Peran"), validators=[DataRequired()])
    unit_id = SelectField(_l("Unit"), coerce=int, validators=[InputRequired()])
    email = StringField(
        _l("Email (untuk pengingat harian, boleh dikosongkan)"),
        validators=[
            Optional(),
            Length(max=254),
            Regexp(EMAIL_PATTERN, message=_l("Alamat email tidak valid.")),
        ],
    )


class ActiveForm(FlaskForm):
    active = SelectField(choices=[("1", "1"), ("0", "0")], validators=[DataRequired()])


class ResetPasswordForm(FlaskForm):
    confirm = HiddenField(validators=[DataRequired()])


class ReferenceItemForm(FlaskForm):
    item_id = HiddenField(validators=[DataRequired()])
    label = StringField(_l("Label"), validators=[DataRequired(), Length(max=150)])
    active = BooleanField(_l("Aktif"))


class AuditFilterForm(FlaskForm):
    class Meta:
        csrf = False

    actor = StringField(_l("Pelaku (nama pengguna)"), validators=[Optional(), Length(max=60)])
    action = StringField(_l("Tindakan"), validators=[Optional(), Length(max=60)])
    entity = StringField(_l("Entitas"), validators=[Optional(), Length(max=40)])
    date_from = DateField(_l("Dari tanggal"), validators=[Optional()])
    date_to = DateField(_l("Sampai tanggal"), validators=[Optional()])


class EndSessionsForm(FlaskForm):
    confirm = HiddenField(validators=[DataRequired()])


class CollectiveLeaveForm(FlaskForm):
    year = IntegerField(validators=[InputRequired(), NumberRange(min=2000, max=2100)])
    collective_leave_off = BooleanField(_l("Cuti bersama dihitung hari libur"))
