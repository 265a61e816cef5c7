from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField, DateField, HiddenField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError

from krs.fields import IndonesianDecimalField, MultiCheckboxField, WholeNumberField
from krs.models import Component, CriterionRule, HealthItem, Rating

YES_NO = [("yes", _l("Ya")), ("no", _l("Tidak"))]
YES_NO_UNKNOWN = [("yes", _l("Ya")), ("no", _l("Tidak")), ("unknown", _l("Belum tahu"))]


def _sane_date(form, field):
    if field.data and not date(2000, 1, 1) <= field.data <= date(2100, 12, 31):
        raise ValidationError(_l("Tanggal di luar rentang yang masuk akal."))


class VersionedForm(FlaskForm):
    version = HiddenField(validators=[DataRequired()])

    def expected_version(self) -> int | None:
        try:
            return int(self.version.data)
        except (TypeError, ValueError):
            return None


class AssessmentForm(VersionedForm):
    """One field per component and health item (set below), the area and occupants, the date."""

    assessed_on = DateField(_l("Tanggal kunjungan"), validators=[DataRequired(), _sane_date])
    floor_area_m2 = IndonesianDecimalField(
        _l("Luas lantai (m²)"),
        validators=[InputRequired(), NumberRange(min=1, max=10000)],
        description=_l("Contoh 36,5. Diisi dari data kasus bila ada."),
    )
    occupants = WholeNumberField(
        _l("Jumlah penghuni"), validators=[InputRequired(), NumberRange(min=1, max=100)]
    )
    note = TextAreaField(_l("Catatan"), validators=[Optional(), Length(max=2000)])

    @staticmethod
    def rating_name(component) -> str:
        return f"rating_{component}"

    @staticmethod
    def photo_name(component) -> str:
        return f"photo_{component}"

    @staticmethod
    def health_name(item) -> str:
        return f"health_{item}"

    def ratings(self) -> dict:
        return {c.value: self[self.rating_name(c.value)].data for c in Component}

    def health(self) -> dict:
        return {h.value: self[self.health_name(h.value)].data == "yes" for h in HealthItem}


for _c in Component:
    setattr(
        AssessmentForm,
        AssessmentForm.rating_name(_c.value),
        RadioField(
            _c.lazy_label, choices=Rating.choices(), validators=[InputRequired(_l("Pilih kondisinya."))]
        ),
    )
    setattr(AssessmentForm, AssessmentForm.photo_name(_c.value), FileField(_l("Foto %(c)s", c=_c.lazy_label)))
for _h in HealthItem:
    setattr(
        AssessmentForm,
        AssessmentForm.health_name(_h.value),
        RadioField(_h.lazy_label, choices=YES_NO, validators=[InputRequired(_l("Pilih ya atau tidak."))]),
    )


class PreCheckForm(VersionedForm):
    programme = SelectField(_l("Program"), validators=[DataRequired()])
    married = RadioField(
        _l("Status perkawinan pemohon"),
        choices=[("yes", _l("Menikah")), ("no", _l("Belum/tidak menikah")), ("unknown", _l("Belum tahu"))],
        default="unknown",
        description=_l("Menentukan batas penghasilan MBR yang berlaku."),
    )


class CriteriaVersionForm(FlaskForm):
    version = StringField(_l("Versi"), validators=[DataRequired(), Length(max=40)])
    source = TextAreaField(_l("Sumber"), validators=[DataRequired(), Length(max=2000)])
    valid_from = DateField(_l("Berlaku mulai"), validators=[DataRequired(), _sane_date])
    min_area_per_person = IndonesianDecimalField(
        _l("Luas lantai minimum per orang (m²)"), validators=[InputRequired(), NumberRange(min=1, max=50)]
    )
    structural_fail_from = SelectField(
        _l("Komponen struktur tidak layak mulai"), choices=Rating.choices()[1:], validators=[DataRequired()]
    )
    non_structural_fail_from = SelectField(
        _l("Komponen non-struktur tidak layak mulai"),
        choices=[("", _l("Tidak menentukan"))] + Rating.choices()[1:],
        validators=[Optional()],
    )
    health_required = MultiCheckboxField(_l("Syarat kesehatan yang menentukan"), choices=HealthItem.choices())
    note = TextAreaField(_l("Catatan"), validators=[Optional(), Length(max=2000)])


class ProgrammeCriterionForm(FlaskForm):
    programme = SelectField(_l("Program"), validators=[DataRequired()])
    question = StringField(_l("Pertanyaan / syarat"), validators=[DataRequired(), Length(max=300)])
    rule = SelectField(_l("Cara menjawab"), choices=CriterionRule.choices(), validators=[DataRequired()])
    params = TextAreaField(
        _l("Parameter (JSON)"),
        validators=[Optional(), Length(max=10000)],
        description=_l("Untuk batas MBR: zona, provinsi dan batas penghasilan. Kosongkan bila tidak perlu."),
    )
    source = TextAreaField(_l("Sumber"), validators=[DataRequired(), Length(max=2000)])
    valid_from = DateField(_l("Berlaku mulai"), validators=[DataRequired(), _sane_date])
    valid_to = DateField(_l("Berlaku sampai"), validators=[Optional(), _sane_date])
    sort_order = WholeNumberField(_l("Urutan"), validators=[Optional(), NumberRange(min=0, max=1000)])
    active = BooleanField(_l("Aktif"), default=True)
