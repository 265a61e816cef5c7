from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from krs.ikm import ELEMENTS


class SurveyForm(FlaskForm):
    comment = TextAreaField(
        _l("Saran dan masukan (boleh dikosongkan)"), validators=[Optional(), Length(max=2000)]
    )

    def answers(self) -> dict:
        return {e.code: getattr(self, e.code).data for e in ELEMENTS}

    def elements(self):
        return [(e, getattr(self, e.code)) for e in ELEMENTS]


for _element in ELEMENTS:
    setattr(
        SurveyForm,
        _element.code,
        RadioField(
            _element.question,
            choices=[(i + 1, label) for i, label in enumerate(_element.answers)],
            coerce=int,
            validators=[DataRequired(message=_l("Pilih salah satu jawaban."))],
        ),
    )


class InviteForm(FlaskForm):
    """Only the CSRF token: the button pressed (name=mode) says link or kiosk."""
