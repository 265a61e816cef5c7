from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    HiddenField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from krs.fields import WholeNumberField  # refuses 400-digit numbers (OverflowError)
from krs.models import WorkCategory
from krs.worklog.service import EntryData, PlacementData


class EntryForm(FlaskForm):
    work_date = DateField(_l("Tanggal"), validators=[InputRequired(message=_l("Isi tanggal kegiatan."))])
    start_time = TimeField(_l("Jam mulai"), validators=[Optional()])
    end_time = TimeField(_l("Jam selesai"), validators=[Optional()])
    minutes = WholeNumberField(
        _l("Durasi (menit)"),
        validators=[Optional(), NumberRange(min=1, max=16 * 60, message=_l("Durasi 1–960 menit."))],
    )
    category = SelectField(_l("Kategori"), choices=WorkCategory.choices(), validators=[DataRequired()])
    description = TextAreaField(
        _l("Uraian kegiatan"),
        validators=[DataRequired(message=_l("Tuliskan apa yang dikerjakan.")), Length(max=2000)],
    )
    case_ids = SelectMultipleField(
        _l("Kasus terkait"), coerce=int, validators=[Optional()], validate_choice=False
    )
    annotation = TextAreaField(_l("Catatan tambahan"), validators=[Optional(), Length(max=2000)])

    def entry_data(self) -> EntryData:
        return EntryData(
            work_date=self.work_date.data,
            category=self.category.data,
            description=self.description.data or "",
            minutes=self.minutes.data,
            start_time=self.start_time.data,
            end_time=self.end_time.data,
            case_ids=list(self.case_ids.data or []),
            annotation=self.annotation.data,
        )


class FollowUpEntryForm(EntryForm):
    """An entry made from a case follow-up: date, description and case come from the timeline."""

    work_date = DateField(_l("Tanggal"), validators=[Optional()])
    description = TextAreaField(_l("Uraian kegiatan"), validators=[Optional()])


class SubmitWeekForm(FlaskForm):
    week_start = DateField(_l("Minggu"), validators=[InputRequired()])


class ReviewForm(FlaskForm):
    decision = SelectField(
        choices=[("approve", _l("Setujui")), ("return", _l("Kembalikan"))], validators=[DataRequired()]
    )
    comment = TextAreaField(_l("Catatan untuk peserta magang"), validators=[Optional(), Length(max=2000)])
    next = HiddenField()


class PlacementForm(FlaskForm):
    user_id = SelectField(_l("Peserta magang"), coerce=int, validators=[InputRequired()])
    university = StringField(_l("Perguruan tinggi"), validators=[DataRequired(), Length(max=200)])
    study_programme = StringField(_l("Program studi"), validators=[DataRequired(), Length(max=200)])
    field_supervisor_id = SelectField(_l("Pembimbing lapangan"), coerce=int, validators=[InputRequired()])
    start_date = DateField(_l("Tanggal mulai"), validators=[InputRequired(message=_l("Isi tanggal mulai."))])
    end_date = DateField(
        _l("Tanggal selesai"), validators=[InputRequired(message=_l("Isi tanggal selesai."))]
    )

    def placement_data(self) -> PlacementData:
        return PlacementData(
            user_id=self.user_id.data,
            university=self.university.data,
            study_programme=self.study_programme.data,
            field_supervisor_id=self.field_supervisor_id.data,
            start_date=self.start_date.data,
            end_date=self.end_date.data,
        )
