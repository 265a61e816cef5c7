from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from lokal import parse_nik
from wtforms import (
    BooleanField,
    DateField,
    DateTimeLocalField,
    DecimalField,
    HiddenField,
    SelectField,
    StringField,
    TextAreaField,
    ValidationError,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from krs.fields import (
    EMPTY_CHOICE,
    PHONE,
    MultiCheckboxField,
    RegionFields,
    WholeNumberField,
    check_nik,
    normalise_phone,
)
from krs.intake import APPLICANT_FIELDS, HOUSE_FIELDS
from krs.models import Channel, Condition, EventKind, Gender, LandStatus, Outcome, Priority, ServiceType

# The plausible span of dates typed on the case desk (the KRS programme started in the 2010s).
EARLIEST_ACTIVITY = date(2000, 1, 1)
LATEST_YEAR = 2100


def _optional_choices(choices):
    return [*EMPTY_CHOICE, *choices]


class IntakeForm(RegionFields, FlaskForm):
    region_order_message = _l("Pilih alamat berurutan: provinsi, kabupaten/kota, kecamatan, lalu desa.")

    unit_id = SelectField(_l("Unit"), coerce=int, validators=[InputRequired()])
    # applicant
    name = StringField(_l("Nama pemohon"), validators=[DataRequired(), Length(max=150)])
    nik = StringField(_l("NIK"), validators=[DataRequired(), Length(max=24)])
    phone = StringField(_l("Nomor HP/WA"), validators=[Optional(), PHONE])
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
    consent_given = BooleanField(
        _l("Pemohon menyetujui pemrosesan data pribadinya untuk layanan KRS (UU 27/2022 tentang PDP)"),
        validators=[DataRequired(message=_l("Persetujuan pemrosesan data pribadi wajib dicentang."))],
    )
    # case
    channel = SelectField(_l("Kanal"), choices=Channel.choices(), validators=[DataRequired()])
    service_types = MultiCheckboxField(
        _l("Jenis layanan"),
        choices=ServiceType.choices(),
        validators=[DataRequired(message=_l("Pilih minimal satu jenis layanan."))],
    )
    description = TextAreaField(_l("Uraian permohonan"), validators=[DataRequired(), Length(max=5000)])
    priority = SelectField(_l("Prioritas"), choices=Priority.choices(), default="normal")
    # house
    land_status = SelectField(
        _l("Status tanah"), choices=_optional_choices(LandStatus.choices()), validators=[Optional()]
    )
    floor_area_m2 = DecimalField(
        _l("Luas lantai (m²)"),
        places=1,
        validators=[Optional(), NumberRange(min=1, max=10000, message=_l("Isi luas 1–10.000 m²."))],
    )
    occupants = WholeNumberField(
        _l("Jumlah penghuni"),
        validators=[Optional(), NumberRange(min=1, max=100, message=_l("Isi angka 1–100."))],
    )
    roof_condition = SelectField(
        _l("Kondisi atap"), choices=_optional_choices(Condition.choices()), validators=[Optional()]
    )
    wall_condition = SelectField(
        _l("Kondisi dinding"), choices=_optional_choices(Condition.choices()), validators=[Optional()]
    )
    floor_condition = SelectField(
        _l("Kondisi lantai"), choices=_optional_choices(Condition.choices()), validators=[Optional()]
    )
    water_source = StringField(_l("Sumber air minum"), validators=[Optional(), Length(max=100)])
    sanitation = StringField(_l("Sanitasi (jamban/septik tank)"), validators=[Optional(), Length(max=100)])
    electricity = StringField(_l("Listrik"), validators=[Optional(), Length(max=100)])

    def validate_nik(self, field):
        check_nik(field)

    def applicant_data(self) -> dict:
        # the birth date is read from the NIK, not typed
        names = ["nik", *(name for name in APPLICANT_FIELDS if name != "birth_date")]
        data = {name: (getattr(self, name).data or None) for name in names}
        data["name"] = data["name"].strip()
        data["phone"] = normalise_phone(data["phone"])
        info = parse_nik(data["nik"])
        if info.birth_date:
            data["birth_date"] = date.fromisoformat(info.birth_date)
        if not data["gender"] and info.gender:
            data["gender"] = info.gender
        data["consent_given"] = bool(self.consent_given.data)
        data["kind"] = "individual"
        return data

    def case_data(self) -> dict:
        names = ["channel", "description", "priority", "service_types", *HOUSE_FIELDS]
        return {name: (getattr(self, name).data or None) for name in names}


class VersionedForm(FlaskForm):
    version = HiddenField(validators=[DataRequired()])

    def expected_version(self) -> int | None:
        try:
            return int(self.version.data)
        except (TypeError, ValueError):
            return None


class AssignForm(VersionedForm):
    assignee_id = SelectField(_l("Petugas"), coerce=int, validators=[InputRequired()])


class FollowUpForm(FlaskForm):
    kind = SelectField(
        _l("Jenis tindak lanjut"),
        choices=[(k.value, k.lazy_label) for k in EventKind.follow_up_kinds()],
        validators=[DataRequired()],
    )
    occurred_at = DateTimeLocalField(
        _l("Waktu"), format="%Y-%m-%dT%H:%M", validators=[InputRequired(message=_l("Isi waktu kegiatan."))]
    )
    duration_minutes = WholeNumberField(
        _l("Durasi (menit)"),
        validators=[Optional(), NumberRange(min=1, max=24 * 60, message=_l("Durasi 1–1440 menit."))],
    )
    next_action_date = DateField(_l("Tanggal tindakan berikutnya"), validators=[Optional()])
    body = TextAreaField(_l("Uraian"), validators=[DataRequired(), Length(max=5000)])
    attachment = FileField(_l("Lampiran (foto/PDF, maks. 10 MB)"))

    # Dates far outside the programme's life overflowed the zone conversion (a 500): refuse them.
    def validate_occurred_at(self, field):
        if field.data and not (EARLIEST_ACTIVITY.year <= field.data.year <= LATEST_YEAR):
            raise ValidationError(_l("Waktu kegiatan di luar rentang yang masuk akal; periksa tahunnya."))

    def validate_next_action_date(self, field):
        if field.data and not (EARLIEST_ACTIVITY.year <= field.data.year <= LATEST_YEAR):
            raise ValidationError(_l("Tanggal tindakan berikutnya di luar rentang; periksa tahunnya."))


class ClosureRequestForm(VersionedForm):
    outcome = SelectField(
        _l("Hasil layanan"), choices=_optional_choices(Outcome.choices()), validators=[DataRequired()]
    )
    closure_summary = TextAreaField(_l("Ringkasan penanganan"), validators=[DataRequired(), Length(max=5000)])


class ClosureDecisionForm(VersionedForm):
    decision = SelectField(
        choices=[("approve", _l("Setujui")), ("return", _l("Kembalikan"))], validators=[DataRequired()]
    )
    comment = TextAreaField(_l("Catatan untuk petugas"), validators=[Optional(), Length(max=2000)])


class ReopenForm(VersionedForm):
    reason = TextAreaField(_l("Alasan dibuka kembali"), validators=[DataRequired(), Length(max=2000)])
