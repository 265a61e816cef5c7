from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, SelectField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from krs.ikm import ELEMENTS
from krs.models import AgeBand, Education, Gender, Occupation


def _optional_choice(label, enum_cls):
    """A profile question: the enumeration's answers, or none at all (every part is optional)."""
    return SelectField(
        label,
        choices=[("", _l("— tidak diisi —")), *enum_cls.choices()],
        validators=[Optional()],
        validate_choice=True,
    )


class SurveyForm(FlaskForm):
    comment = TextAreaField(
        _l("Saran dan masukan (boleh dikosongkan)"), validators=[Optional(), Length(max=2000)]
    )

    # respondent profile of the standard IKM report (PermenPANRB 14/2017): all optional
    age_band = _optional_choice(_l("Usia"), AgeBand)
    sex = _optional_choice(_l("Jenis kelamin"), Gender)
    education = _optional_choice(_l("Pendidikan terakhir"), Education)
    occupation = _optional_choice(_l("Pekerjaan utama"), Occupation)

    def profile(self) -> dict:
        return {
            name: getattr(self, name).data or None for name in ("age_band", "sex", "education", "occupation")
        }

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
