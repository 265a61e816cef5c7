"""Form fields and checks shared by the features' forms: NIK, phone, whole numbers, checkbox
lists, and the four chained region selects."""

from __future__ import annotations

from decimal import Decimal

from flask_babel import lazy_gettext as _l
from lokal import parse_nik
from wtforms import DecimalField, IntegerField, SelectField, SelectMultipleField, ValidationError, widgets
from wtforms.validators import DataRequired, Regexp

from krs import regions

EMPTY_CHOICE = [("", _l("— pilih —"))]

PHONE = Regexp(r"^(\+62|62|0)8[0-9]{7,12}$", message=_l("Nomor HP diawali 08 atau +628, 10–15 digit."))

NIK_MESSAGES = {
    "format": _l("NIK harus 16 digit angka."),
    "province": _l("Dua digit pertama NIK bukan kode provinsi yang dikenal."),
    "wilayah": _l("Kode kabupaten/kecamatan pada NIK tidak boleh 00."),
    "birth_date": _l("Tanggal lahir pada NIK tidak valid (untuk perempuan tanggal ditambah 40)."),
    "serial": _l("Nomor urut NIK tidak boleh 0000."),
}


def nik_problem(value: str) -> str | None:
    """The first reason a NIK cannot be valid, in Indonesian; None when its structure is valid."""
    info = parse_nik(value or "")
    if info.valid:
        return None
    return str(NIK_MESSAGES.get(info.errors[0].code, _l("NIK tidak valid.")))


def normalise_nik(value: str) -> str:
    return "".join(ch for ch in (value or "") if ch in "0123456789")


def check_nik(field) -> None:
    """A NIK field's validator: keep only its digits, then refuse a NIK that cannot be valid."""
    field.data = normalise_nik(field.data)
    problem = nik_problem(field.data)
    if problem:
        raise ValidationError(problem)


def normalise_phone(value: str | None) -> str | None:
    """A mobile number as the desk writes it: 08..., not +628... or 628..."""
    if not value:
        return None
    if value.startswith("+62"):
        return "0" + value[3:]
    if value.startswith("62"):
        return "0" + value[2:]
    return value


class WholeNumberField(IntegerField):
    """An IntegerField that refuses absurdly long numbers before validators turn them into floats
    (a 400-digit number made NumberRange raise OverflowError: a 500)."""

    def process_formdata(self, valuelist):
        if valuelist and len(str(valuelist[0]).strip().lstrip("+-")) > 15:
            self.data = None
            raise ValueError(_l("Angka terlalu besar."))
        super().process_formdata(valuelist)


class PlainDecimalField(DecimalField):
    """A decimal shown as people write it: 85 rather than 85.00, 82.5 rather than 82.50 (issue 15)."""

    def _value(self):
        if self.raw_data is None and isinstance(self.data, (Decimal, int, float)):
            return format(Decimal(str(self.data)).normalize(), "f")
        return super()._value()


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
