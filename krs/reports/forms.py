from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms.validators import InputRequired, NumberRange, ValidationError

from krs.fields import PlainDecimalField, WholeNumberField  # refuses 400-digit numbers (OverflowError)

REQUIRED = _l("Wajib diisi dengan angka.")


class ServiceLevelForm(FlaskForm):
    first_response_days = WholeNumberField(
        _l("Respons pertama (hari kerja)"),
        validators=[InputRequired(REQUIRED), NumberRange(1, 60, _l("Antara 1 dan 60 hari kerja."))],
    )
    resolution_days = WholeNumberField(
        _l("Penyelesaian (hari kerja)"),
        validators=[InputRequired(REQUIRED), NumberRange(1, 365, _l("Antara 1 dan 365 hari kerja."))],
    )

    def validate_resolution_days(self, field):
        if (
            self.first_response_days.data
            and field.data is not None
            and field.data < self.first_response_days.data
        ):
            raise ValidationError(
                _l("Batas penyelesaian tidak boleh lebih pendek dari batas respons pertama.")
            )


class TargetForm(FlaskForm):
    cases_served = WholeNumberField(
        _l("Kasus dilayani"),
        validators=[InputRequired(REQUIRED), NumberRange(0, 100000, _l("Antara 0 dan 100.000."))],
    )
    within_sla_pct = PlainDecimalField(
        _l("Ditutup dalam batas waktu (%)"),
        places=2,
        validators=[InputRequired(REQUIRED), NumberRange(0, 100, _l("Antara 0 dan 100 persen."))],
    )
    min_ikm = PlainDecimalField(
        _l("IKM minimal"),
        places=2,
        validators=[InputRequired(REQUIRED), NumberRange(25, 100, _l("IKM berada antara 25 dan 100."))],
    )
    field_visits = WholeNumberField(
        _l("Kunjungan lapangan"),
        validators=[InputRequired(REQUIRED), NumberRange(0, 100000, _l("Antara 0 dan 100.000."))],
    )

    def values(self) -> dict:
        return {
            "cases_served": self.cases_served.data,
            "within_sla_pct": self.within_sla_pct.data,
            "min_ikm": self.min_ikm.data,
            "field_visits": self.field_visits.data,
        }
