"""Forms of the supervisor's tools on the case desk: transfer, bulk assign, saved filters."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from krs.cases.forms import VersionedForm


class TransferForm(VersionedForm):
    to_unit_id = SelectField(_l("Unit tujuan"), coerce=int, validators=[InputRequired()])
    reason = TextAreaField(
        _l("Alasan pemindahan"),
        validators=[DataRequired(message=_l("Tuliskan alasan pemindahan.")), Length(max=2000)],
    )


class TransferDecisionForm(FlaskForm):
    decision = SelectField(
        choices=[("accept", _l("Terima")), ("reject", _l("Tolak"))], validators=[DataRequired()]
    )
    comment = TextAreaField(_l("Catatan"), validators=[Optional(), Length(max=2000)])


class BulkAssignForm(FlaskForm):
    assignee_id = SelectField(_l("Tugaskan kepada"), coerce=int, validators=[InputRequired()])


class SaveFilterForm(FlaskForm):
    name = StringField(
        _l("Nama filter"), validators=[DataRequired(message=_l("Beri nama filter.")), Length(max=80)]
    )
    query = HiddenField(validators=[Optional(), Length(max=1000)])
