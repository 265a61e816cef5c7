from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import MultipleFileField
from wtforms import (
    BooleanField,
    DateField,
    DateTimeLocalField,
    HiddenField,
    SelectField,
    StringField,
    TextAreaField,
    ValidationError,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from krs.fields import (
    EMPTY_CHOICE,
    ApplicantFields,
    IndonesianDecimalField,
    MultiCheckboxField,
    WholeNumberField,
)
from krs.intake import HOUSE_FIELDS
from krs.models import (
    AttachmentKind,
    Channel,
    Condition,
    EventKind,
    LandStatus,
    Outcome,
    Priority,
    ServiceType,
)

# A field visit's position: Indonesia, roughly (latitude, longitude ranges in degrees).
INDONESIA_BOUNDS = ((Decimal(-11), Decimal(6)), (Decimal(95), Decimal(141)))

# The plausible span of dates typed on the case desk (the KRS programme started in the 2010s).
EARLIEST_ACTIVITY = date(2000, 1, 1)
LATEST_YEAR = 2100


def _optional_choices(choices):
    return [*EMPTY_CHOICE, *choices]


class RequestFields:
    """A case's request fields, for a FlaskForm to mix in (the intake and the case's edit)."""

    channel = SelectField(_l("Kanal"), choices=Channel.choices(), validators=[DataRequired()])
    service_types = MultiCheckboxField(
        _l("Jenis layanan"),
        choices=ServiceType.choices(),
        validators=[DataRequired(message=_l("Pilih minimal satu jenis layanan."))],
    )
    description = TextAreaField(_l("Uraian permohonan"), validators=[DataRequired(), Length(max=5000)])
    priority = SelectField(_l("Prioritas"), choices=Priority.choices(), default="normal")


class HouseFields:
    """A case's house data, for a FlaskForm to mix in (the intake and the case's edit)."""

    land_status = SelectField(
        _l("Status tanah"), choices=_optional_choices(LandStatus.choices()), validators=[Optional()]
    )
    floor_area_m2 = IndonesianDecimalField(
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

    def house_data(self) -> dict:
        return {name: _blank_to_none(getattr(self, name).data) for name in HOUSE_FIELDS}


def _blank_to_none(value):
    return None if value in (None, "") else value


class IntakeForm(ApplicantFields, RequestFields, HouseFields, FlaskForm):
    unit_id = SelectField(_l("Unit"), coerce=int, validators=[InputRequired()])
    consent_given = BooleanField(
        _l("Pemohon menyetujui pemrosesan data pribadinya untuk layanan KRS (UU 27/2022 tentang PDP)"),
        validators=[DataRequired(message=_l("Persetujuan pemrosesan data pribadi wajib dicentang."))],
    )
    # the desk's answer to "data berubah" (a returning applicant with new data): update | keep
    applicant_changes = HiddenField()

    def applicant_data(self) -> dict:
        # the birth date is read from the NIK, not typed
        data = self.applicant_fields_data()
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


class TakeForm(VersionedForm):
    """Ambil kasus: only the version the page showed."""


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
    # issue 16 (field visits): several photos at once from the phone's camera, and documents
    photos = MultipleFileField(_l("Foto (boleh beberapa sekaligus)"))
    attachment = MultipleFileField(_l("Lampiran (foto, PDF, DWG, XLSX, DOCX; maks. 10 MB per berkas)"))
    # filled by static/js/geolocation.js when the officer allows it; empty without permission or JS
    latitude = HiddenField()
    longitude = HiddenField()
    attachment_kind = SelectField(
        _l("Jenis lampiran"), choices=AttachmentKind.choices(), default=AttachmentKind.HOUSE
    )
    take = BooleanField(_l("Ambil kasus ini (jadikan saya petugasnya)"), default=True)

    # Dates far outside the programme's life overflowed the zone conversion (a 500): refuse them.
    def validate_occurred_at(self, field):
        if field.data and not (EARLIEST_ACTIVITY.year <= field.data.year <= LATEST_YEAR):
            raise ValidationError(_l("Waktu kegiatan di luar rentang yang masuk akal; periksa tahunnya."))

    def validate_next_action_date(self, field):
        if field.data and not (EARLIEST_ACTIVITY.year <= field.data.year <= LATEST_YEAR):
            raise ValidationError(_l("Tanggal tindakan berikutnya di luar rentang; periksa tahunnya."))

    def validate_latitude(self, field):
        self.position()  # raises ValidationError for a half, unreadable or out-of-range position

    def position(self) -> tuple[Decimal, Decimal] | None:
        """The visit's coordinates, both or none, within Indonesia (INDONESIA_BOUNDS)."""
        lat_text = (self.latitude.data or "").strip()
        lon_text = (self.longitude.data or "").strip()
        if not lat_text and not lon_text:
            return None
        unreadable = _l("Koordinat lokasi tidak terbaca. Kosongkan lokasi lalu simpan lagi.")
        try:
            lat, lon = Decimal(lat_text), Decimal(lon_text)
        except (InvalidOperation, ValueError) as exc:
            raise ValidationError(unreadable) from exc
        if not (lat.is_finite() and lon.is_finite()):
            raise ValidationError(unreadable)
        (lat_min, lat_max), (lon_min, lon_max) = INDONESIA_BOUNDS
        if not (lat_min <= lat <= lat_max and lon_min <= lon <= lon_max):
            raise ValidationError(
                _l("Koordinat lokasi di luar wilayah Indonesia (lintang −11 s.d. 6, bujur 95 s.d. 141).")
            )
        lat, lon = lat.quantize(Decimal("0.000001")), lon.quantize(Decimal("0.000001"))
        return lat, lon


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


# ---------------------------------------------------------------- corrections (issue 14)


class CaseEditForm(RequestFields, HouseFields, VersionedForm):
    """A case's request and house data corrected after saving: the intake's very fields, a reason."""

    reason = TextAreaField(
        _l("Alasan perubahan"),
        validators=[DataRequired(message=_l("Tuliskan alasan perubahan.")), Length(max=2000)],
    )

    def changes(self) -> dict:
        data = {
            "channel": self.channel.data,
            "priority": self.priority.data or "normal",
            "description": (self.description.data or "").strip(),
            "service_types": sorted(str(s) for s in self.service_types.data or []),
        }
        return {**data, **self.house_data()}


class HouseEditForm(HouseFields, VersionedForm):
    """The house data alone: what an intern may correct on a case assigned to them."""

    reason = TextAreaField(
        _l("Alasan perubahan"),
        validators=[DataRequired(message=_l("Tuliskan alasan perubahan.")), Length(max=2000)],
    )

    def changes(self) -> dict:
        return self.house_data()
