from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    IntegerField,
    PasswordField,
    SelectField,
    StringField,
    TextAreaField,
    ValidationError,
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
    # letterhead of receipts and letters (issue 16)
    letterhead_name = StringField(_l("Nama pada kop surat"), validators=[Optional(), Length(max=200)])
    letterhead_address = TextAreaField(
        _l("Alamat (satu baris per baris kop)"), validators=[Optional(), Length(max=400)]
    )
    letterhead_city = StringField(
        _l("Kota (tempat penandatanganan)"), validators=[Optional(), Length(max=80)]
    )
    letterhead_phone = StringField(_l("Telepon"), validators=[Optional(), Length(max=60)])
    letterhead_email = StringField(
        _l("Surel"),
        validators=[
            Optional(),
            Length(max=120),
            Regexp(r"^[^@\s]+@[^@\s]+\.[^@\s]+$", message=_l("Alamat surel tidak valid.")),
        ],
    )
    logo = FileField(_l("Logo kop surat (PNG/JPG, maks. 1 MB)"))
    remove_logo = BooleanField(_l("Hapus logo"))
    referral_number_format = StringField(
        _l("Format nomor surat pengantar"),
        validators=[Optional(), Length(max=80)],
        description=_l(
            "Kosongkan untuk bawaan {seq}/KRS-{unit}/{month}/{year}. {seq} nomor urut per tahun, "
            "{unit} kode unit, {month} bulan Romawi, {year} tahun."
        ),
    )

    def validate_referral_number_format(self, field):
        problem = number_format_problem(field.data or "")
        if problem:
            raise ValidationError(problem)

    def process_code(self):
        if self.code.data:
            self.code.data = self.code.data.strip().upper()


EMAIL_PATTERN = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"


def nip_problem(nip: str) -> str | None:
    """An NIP (PNS/PPPK): 18 digits = birth date YYYYMMDD, appointment YYYYMM, sex 1/2, sequence."""
    if not (len(nip) == 18 and nip.isascii() and nip.isdigit()):
        return str(_l("NIP harus 18 angka."))
    try:
        born = date(int(nip[0:4]), int(nip[4:6]), int(nip[6:8]))
    except ValueError:
        return str(_l("Delapan angka pertama NIP bukan tanggal lahir yang valid."))
    appointed_year, appointed_month = int(nip[8:12]), int(nip[12:14])
    if not 1 <= appointed_month <= 12 or appointed_year < born.year + 15:
        return str(_l("Angka ke-9 sampai ke-14 NIP bukan tahun dan bulan pengangkatan yang valid."))
    if nip[14] not in "12":
        return str(_l("Angka ke-15 NIP (jenis kelamin) harus 1 atau 2."))
    return None


NUMBER_FORMAT_TOKENS = ("{seq}", "{unit}", "{month}", "{year}")


def number_format_problem(fmt: str) -> str | None:
    """A letter-number format may hold only the four placeholders, and must hold {seq} and {year}."""
    if not fmt:
        return None
    rest = fmt
    for token in NUMBER_FORMAT_TOKENS:
        rest = rest.replace(token, "")
    if "{" in rest or "}" in rest:
        return str(_l("Hanya {seq}, {unit}, {month} dan {year} yang dapat dipakai."))
    if "{seq}" not in fmt or "{year}" not in fmt:
        return str(_l("Format wajib memuat {seq} dan {year} agar nomor tidak berulang."))
    return None


class SignerFields:
    """NIP and position (jabatan): the signer block of letters and receipts (issue 16)."""

    nip = StringField(
        _l("NIP"),
        validators=[Optional(), Length(max=30)],
        description=_l("18 angka, tanpa spasi; kosongkan bila bukan ASN (mis. magang)."),
    )
    position = StringField(_l("Jabatan"), validators=[Optional(), Length(max=120)])

    def validate_nip(self, field):
        field.data = "".join((field.data or "").split())
        problem = nip_problem(field.data) if field.data else None
        if problem:
            raise ValidationError(problem)


class UserForm(SignerFields, FlaskForm):
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


class UserEditForm(SignerFields, FlaskForm):
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
