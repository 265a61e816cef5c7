"""Forms of the applicant pages: the correction (the intake's own applicant fields, krs.fields),
the merge and its undoing."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from krs.fields import ApplicantFields, check_nik

REASON = _l("Tuliskan alasan perubahan.")


class ApplicantEditForm(ApplicantFields, FlaskForm):
    # The NIK is not shown in full by default (DESIGN.md §5): left blank, it stays as recorded.
    nik = StringField(_l("NIK baru"), validators=[Optional(), Length(max=24)])
    version = HiddenField(validators=[DataRequired()])
    reason = TextAreaField(
        _l("Alasan perubahan"), validators=[DataRequired(message=REASON), Length(max=2000)]
    )

    def validate_nik(self, field):
        if field.data:
            check_nik(field)

    def expected_version(self) -> int | None:
        try:
            return int(self.version.data)
        except (TypeError, ValueError):
            return None

    def changes(self) -> dict:
        data = self.applicant_fields_data()
        if not data.get("nik"):
            data.pop("nik", None)
            data.pop("birth_date", None)
        return data


class MergeForm(FlaskForm):
    version_a = HiddenField()
    version_b = HiddenField()
    reason = TextAreaField(
        _l("Alasan penggabungan"),
        validators=[DataRequired(message=_l("Tuliskan alasan penggabungan.")), Length(max=2000)],
    )

    def versions(self, survivor_is_a: bool) -> tuple[int | None, int | None]:
        def as_int(value):
            try:
                return int(value)
            except (TypeError, ValueError):
                return None

        a, b = as_int(self.version_a.data), as_int(self.version_b.data)
        return (a, b) if survivor_is_a else (b, a)


class UnmergeForm(FlaskForm):
    reason = TextAreaField(
        _l("Alasan pembatalan"),
        validators=[DataRequired(message=_l("Tuliskan alasan pembatalan penggabungan.")), Length(max=2000)],
    )
