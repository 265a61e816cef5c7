from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, DateField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional, Regexp

from krs.models import AgencyKind, ReferralAnswer


class ReferralForm(FlaskForm):
    agency_id = SelectField(_l("Lembaga tujuan"), coerce=int, validators=[InputRequired()])
    programme = SelectField(_l("Program"), validators=[DataRequired()])
    letter_date = DateField(_l("Tanggal surat"), validators=[DataRequired()])
    purpose = TextAreaField(
        _l("Maksud rujukan"),
        validators=[DataRequired(), Length(max=2000)],
        description=_l("Tercetak di surat pengantar, mis. mohon verifikasi calon penerima BSPS."),
    )
    signer_id = SelectField(_l("Penanda tangan"), coerce=int, validators=[InputRequired()])
    next_step = TextAreaField(_l("Langkah berikutnya"), validators=[Optional(), Length(max=1000)])


class AnswerForm(FlaskForm):
    answer_code = SelectField(
        _l("Jawaban lembaga"),
        choices=ReferralAnswer.choices(),
        validators=[DataRequired()],
    )
    answer_date = DateField(_l("Tanggal jawaban"), validators=[DataRequired()])
    answer_text = TextAreaField(_l("Isi jawaban"), validators=[Optional(), Length(max=2000)])
    next_step = TextAreaField(_l("Langkah berikutnya"), validators=[Optional(), Length(max=1000)])


class AgencyForm(FlaskForm):
    name = StringField(_l("Nama lembaga"), validators=[DataRequired(), Length(max=200)])
    kind = SelectField(_l("Jenis"), choices=AgencyKind.choices(), validators=[DataRequired()])
    regency_code = StringField(
        _l("Kode kabupaten/kota (Kemendagri)"),
        validators=[
            Optional(),
            Regexp(r"^\d{2}\.?\d{2}$", message=_l("Kode 4 angka, mis. 32.73 (Kota Bandung).")),
        ],
        description=_l("Untuk Dinas Perkim: kabupaten/kota wilayahnya."),
    )
    active = BooleanField(_l("Aktif"), default=True)
