"""Form fields and checks shared by the features' forms: NIK, phone, numbers typed the Indonesian
way (`36,5`, `2.500.000`, `0812-3456-7890`: DESIGN.md §6), checkbox lists, the four chained region
selects, and an applicant's fields (the intake and the applicant's edit use the same ones)."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal, InvalidOperation

import phonenumbers
from babel.numbers import NumberFormatError, format_decimal, parse_decimal
from flask_babel import lazy_gettext as _l
from lokal import parse_nik
from wtforms import (
    Field,
    SelectField,
    SelectMultipleField,
    StringField,
    ValidationError,
    widgets,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional, Regexp

from krs import regions
from krs.models import Gender

EMPTY_CHOICE = [("", _l("— pilih —"))]

# The old phone check (a plain regex on the typed text); PhoneField replaces it in the forms.
PHONE = Regexp(r"^(\+62|62|0)8[0-9]{7,12}$", message=_l("Nomor HP diawali 08 atau +628, 10–15 digit."))

NIK_MESSAGES = {
    "format": _l("NIK harus 16 digit angka."),
    "province": _l("Dua digit pertama NIK bukan kode provinsi yang dikenal."),
    "wilayah": _l("Kode kabupaten/kecamatan pada NIK tidak boleh 00."),
    "birth_date": _l("Tanggal lahir pada NIK tidak valid (untuk perempuan tanggal ditambah 40)."),
    "serial": _l("Nomor urut NIK tidak boleh 0000."),
}


def nik_problem(value: str) -> str | None:
    """The first reason a NIK cannot be valid, in the request's language; None when its structure is valid."""
    problem = nik_problem_text(value)
    return None if problem is None else str(problem)


def nik_problem_text(value: str):
    """`nik_problem` as a lazy string (for text stored and read later in either language)."""
    info = parse_nik(value or "")
    if info.valid:
        return None
    return NIK_MESSAGES.get(info.errors[0].code, _l("NIK tidak valid."))


def normalise_nik(value: str) -> str:
    return "".join(ch for ch in (value or "") if ch in "0123456789")


def check_nik(field) -> None:
    """A NIK field's validator: keep only its digits, then refuse a NIK that cannot be valid."""
    field.data = normalise_nik(field.data)
    problem = nik_problem(field.data)
    if problem:
        raise ValidationError(problem)


def normalise_phone(value: str | None) -> str | None:
    """A mobile number in the stored form: `0` and the digits (`081234567890`), however it was typed
    (`0812-3456-7890`, `+62 812 3456 7890`, `62812...`). Search (krs.case_lists) and the WhatsApp
    link read that form; a value that is not an Indonesian number is kept as typed."""
    if not value:
        return None
    digits = "".join(ch for ch in value if ch.isdigit())
    try:
        number = phonenumbers.parse(value, "ID")
    except phonenumbers.NumberParseException:
        number = None
    if number is not None and number.country_code == 62:
        return "0" + str(number.national_number)
    if digits.startswith("62"):
        return "0" + digits[2:]
    return digits or value


def format_phone(value: str | None) -> str:
    """A stored phone shown the way the desk types it: `0812-3456-7890` (4-4-rest for mobiles)."""
    if not value:
        return ""
    digits = normalise_phone(value) or ""
    if not (digits.startswith("08") and digits.isdigit() and 10 <= len(digits) <= 13):
        return value
    return "-".join(part for part in (digits[:4], digits[4:8], digits[8:]) if part)


def phone_problem(value: str) -> str | None:
    """Why a typed phone is not an Indonesian mobile number (None when it is one)."""
    try:
        number = phonenumbers.parse(value, "ID")
    except phonenumbers.NumberParseException:
        number = None
    digits = normalise_phone(value) or ""
    if (
        number is None
        or number.country_code != 62
        or not re.fullmatch(r"08[0-9]{7,12}", digits)
        or re.search(r"[^0-9+\-. ()]", value)
    ):
        return str(_l("Nomor HP diawali 08 atau +628, 10–15 digit; boleh ditulis 0812-3456-7890."))
    return None


class PhoneField(StringField):
    """A mobile number typed any usual way; `data` is the stored form (`081234567890`), the input
    shows it back as `0812-3456-7890`."""

    def __init__(self, label=None, validators=None, **kwargs):
        kwargs.setdefault("render_kw", {"inputmode": "tel", "autocomplete": "tel"})
        super().__init__(label, validators, **kwargs)

    def process_formdata(self, valuelist):
        self.raw_typed = (valuelist[0] if valuelist else "") or ""
        self.data = self.raw_typed.strip()

    def pre_validate(self, form):
        if self.data:
            problem = phone_problem(self.data)
            if problem:
                raise ValidationError(problem)
            self.data = normalise_phone(self.data)
        else:
            self.data = None

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        return format_phone(self.data)


# ---------------------------------------------------------------- Indonesian numbers

_GROUPED_OR_PLAIN = re.compile(r"^[+-]?[0-9.]+(,[0-9]+)?$")
_ONE_DOT_DECIMAL = re.compile(r"^[+-]?[0-9]+\.[0-9]{1,2}$")  # `36.5`: a decimal point, not grouping


def parse_indonesian_number(text: str) -> Decimal:
    """`36,5` → 36.5, `2.500.000` → 2500000, `Rp 2.500.000` → 2500000 (Babel's `id` locale, strict:
    `3.6.5` is refused rather than read as 365). `36.5`, which cannot be a thousands group, is read
    as the decimal point it was meant to be. Raises ValueError with a message for the form."""
    raw = (text or "").strip()
    cleaned = re.sub(r"^rp\.?\s*", "", raw, flags=re.IGNORECASE).replace(" ", "").replace("\u00a0", "")
    if len(cleaned.lstrip("+-").replace(".", "").replace(",", "")) > 15:
        raise ValueError(_l("Angka terlalu besar."))
    if _ONE_DOT_DECIMAL.match(cleaned):
        return Decimal(cleaned)
    if not _GROUPED_OR_PLAIN.match(cleaned):
        raise ValueError(_l("Tulis angka seperti 36,5 atau 2.500.000."))
    try:
        return parse_decimal(cleaned, locale="id", strict=True)
    except (NumberFormatError, InvalidOperation) as exc:
        raise ValueError(_l("Tulis angka seperti 36,5 atau 2.500.000.")) from exc


def format_indonesian_number(value, places: int | None = None) -> str:
    """A number written back into a form the Indonesian way: 36,5 · 2.500.000 (no trailing ,0)."""
    if value is None or value == "":
        return ""
    number = Decimal(str(value))
    if places is not None:
        number = number.quantize(Decimal(1).scaleb(-places))
    if number == number.to_integral_value():
        return format_decimal(int(number), format="#,##0", locale="id")
    return format_decimal(number.normalize(), format="#,##0.##########", locale="id")


class IndonesianDecimalField(Field):
    """A decimal typed as `36,5` (or `1.234,5`): a text input with inputmode=decimal (a type=number
    input refuses the comma in some browsers and the dots of grouping in all). `data` is a Decimal
    rounded to `places`."""

    widget = widgets.TextInput()

    def __init__(self, label=None, validators=None, places: int = 1, **kwargs):
        kwargs.setdefault("render_kw", {"inputmode": "decimal", "autocomplete": "off"})
        super().__init__(label, validators, **kwargs)
        self.places = places

    def process_formdata(self, valuelist):
        if not valuelist or not str(valuelist[0]).strip():
            self.data = None
            return
        try:
            number = parse_indonesian_number(str(valuelist[0]))
        except ValueError:
            self.data = None
            raise
        self.data = number.quantize(Decimal(1).scaleb(-self.places)) if self.places is not None else number

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        return format_indonesian_number(self.data)


class IndonesianIntegerField(IndonesianDecimalField):
    """A whole number typed as `2.500.000` (or `Rp 2.500.000`): inputmode=numeric, `data` an int."""

    def __init__(self, label=None, validators=None, **kwargs):
        kwargs.setdefault("render_kw", {"inputmode": "numeric", "autocomplete": "off"})
        super().__init__(label, validators, places=None, **kwargs)

    def process_formdata(self, valuelist):
        super().process_formdata(valuelist)
        if self.data is not None:
            if self.data != self.data.to_integral_value():
                self.data = None
                raise ValueError(_l("Isi bilangan bulat, tanpa koma."))
            self.data = int(self.data)


class WholeNumberField(IndonesianIntegerField):
    """The whole-number field of every form (the name the features import): typed the Indonesian
    way, and refusing absurdly long numbers before validators turn them into floats (a 400-digit
    number made NumberRange raise OverflowError: a 500)."""


class MultiCheckboxField(SelectMultipleField):
    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


class RegionFields:
    """The four chained region selects (field names match the models), for a FlaskForm to mix in.

    `region_order_message` is what a broken chain is told: the case desk speaks of an address,
    outreach of a location."""

    region_order_message = _l("Pilih lokasi berurutan: provinsi, kabupaten/kota, kecamatan, lalu desa.")

    province_code = SelectField(_l("Provinsi"), validators=[DataRequired()], validate_choice=False)
    regency_code = SelectField(_l("Kabupaten/kota"), validators=[DataRequired()], validate_choice=False)
    district_code = SelectField(_l("Kecamatan"), validators=[DataRequired()], validate_choice=False)
    village_code = SelectField(_l("Desa/kelurahan"), validators=[DataRequired()], validate_choice=False)

    def validate_village_code(self, field):
        if not regions.is_valid_chain(
            self.province_code.data, self.regency_code.data, self.district_code.data, field.data
        ):
            raise ValidationError(self.region_order_message)

    def set_region_choices(self):
        self.province_code.choices = EMPTY_CHOICE + list(regions.children(None))
        for field, parent in (
            (self.regency_code, self.province_code.data),
            (self.district_code, self.regency_code.data),
            (self.village_code, self.district_code.data),
        ):
            field.choices = EMPTY_CHOICE + (list(regions.children(parent)) if parent else [])

    def region_data(self) -> dict:
        return {
            name: getattr(self, name).data or None
            for name in ("province_code", "regency_code", "district_code", "village_code")
        }


# ---------------------------------------------------------------- an applicant's fields


def _optional_choices(choices):
    return [*EMPTY_CHOICE, *choices]


class ApplicantFields(RegionFields):
    """An individual applicant's fields, for a FlaskForm to mix in: the intake (krs.cases) and the
    applicant's edit (krs.applicants) use these very definitions."""

    region_order_message = _l("Pilih alamat berurutan: provinsi, kabupaten/kota, kecamatan, lalu desa.")

    name = StringField(_l("Nama pemohon"), validators=[DataRequired(), Length(max=150)])
    nik = StringField(_l("NIK"), validators=[DataRequired(), Length(max=24)])
    phone = PhoneField(_l("Nomor HP/WA"), validators=[Optional()])
    gender = SelectField(
        _l("Jenis kelamin"), choices=_optional_choices(Gender.choices()), validators=[Optional()]
    )
    address = StringField(_l("Alamat (jalan, RT/RW)"), validators=[Optional(), Length(max=250)])
    occupation = StringField(_l("Pekerjaan"), validators=[Optional(), Length(max=100)])
    monthly_income = WholeNumberField(
        _l("Penghasilan rumah tangga per bulan (Rp)"),
        validators=[
            Optional(),
            NumberRange(min=0, max=1_000_000_000, message=_l("Isi angka 0–1.000.000.000.")),
        ],
    )
    household_size = WholeNumberField(
        _l("Jumlah anggota rumah tangga"),
        validators=[Optional(), NumberRange(min=1, max=50, message=_l("Isi angka 1–50."))],
    )

    def validate_nik(self, field):
        check_nik(field)

    def applicant_fields_data(self) -> dict:
        """The typed applicant fields by model attribute, with the birth date (and, when not chosen,
        the gender) read from the NIK."""
        names = [
            "nik",
            "name",
            "phone",
            "gender",
            "address",
            "occupation",
            "monthly_income",
            "household_size",
            "province_code",
            "regency_code",
            "district_code",
            "village_code",
        ]
        data = {}
        for name in names:
            value = getattr(self, name).data
            data[name] = None if value in (None, "") else value
        data["name"] = (data["name"] or "").strip()
        data["address"] = data["address"].strip() if data["address"] else None
        info = parse_nik(data["nik"] or "")
        if info.birth_date:
            data["birth_date"] = date.fromisoformat(info.birth_date)
        if not data["gender"] and info.gender:
            data["gender"] = info.gender
        return data
