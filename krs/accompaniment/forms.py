from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    IntegerField,
    MultipleFileField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from krs.models import CheckMark, shown_text


class _Versioned(FlaskForm):
    version = HiddenField(validators=[DataRequired()])

    def expected_version(self) -> int | None:
        try:
            return int(self.version.data)
        except (TypeError, ValueError):
            return None


class StartForm(_Versioned):
    work_kind = RadioField(_l("Jenis pekerjaan"), validators=[DataRequired()])
    started_on = DateField(_l("Tanggal mulai pendampingan"), validators=[DataRequired()])


class VisitForm(_Versioned):
    stage_id = SelectField(_l("Tahap"), coerce=int, validators=[InputRequired()])
    visit_date = DateField(_l("Tanggal kunjungan"), validators=[DataRequired()])
    officer_id = SelectField(_l("Petugas pendamping"), coerce=int, validators=[InputRequired()])
    progress_percent = IntegerField(
        _l("Progres pembangunan (%)"),
        validators=[InputRequired(), NumberRange(min=0, max=100, message=_l("Isi 0 sampai 100."))],
        render_kw={"inputmode": "numeric"},
    )
    advice = TextAreaField(
        _l("Saran yang diberikan"),
        validators=[Optional(), Length(max=3000)],
        description=_l("Tercetak di laporan tahap, mis. tambah begel kolom menjadi setiap 15 cm."),
    )
    photos = MultipleFileField(
        _l("Foto (boleh beberapa; JPG/PNG/WebP)"),
        render_kw={"accept": "image/jpeg,image/png,image/webp"},
    )


def visit_form_for(items) -> type[VisitForm]:
    """The stage form with one mark per active checklist item, named `mark_<item id>`."""

    class Form(VisitForm):
        pass

    for item in items:
        setattr(
            Form,
            f"mark_{item.id}",
            RadioField(
                shown_text(item.name),
                choices=CheckMark.choices(),
                default=CheckMark.NOT_VISIBLE.value,
                validators=[DataRequired(message=_l("Pilih salah satu."))],
                description=shown_text(item.advice),
            ),
        )
    return Form


class StageForm(FlaskForm):
    code = StringField(_l("Kode"), validators=[DataRequired(), Length(max=30)])
    name = StringField(_l("Nama tahap"), validators=[DataRequired(), Length(max=120)])
    position = IntegerField(_l("Urutan"), validators=[InputRequired(), NumberRange(min=0, max=999)])
    percent = IntegerField(_l("Persentase (%)"), validators=[InputRequired(), NumberRange(min=0, max=100)])
    due_working_days = IntegerField(
        _l("Jatuh tempo kunjungan (hari kerja setelah kunjungan sebelumnya)"),
        validators=[InputRequired(), NumberRange(min=1, max=250)],
    )
    description = TextAreaField(_l("Keterangan"), validators=[Optional(), Length(max=2000)])
    active = BooleanField(_l("Aktif"), default=True)


class ItemForm(FlaskForm):
    code = StringField(_l("Kode"), validators=[DataRequired(), Length(max=30)])
    name = StringField(_l("Butir yang diperiksa"), validators=[DataRequired(), Length(max=160)])
    advice = TextAreaField(_l("Anjuran"), validators=[DataRequired(), Length(max=2000)])
    source = TextAreaField(_l("Sumber"), validators=[DataRequired(), Length(max=2000)])
    position = IntegerField(_l("Urutan"), validators=[InputRequired(), NumberRange(min=0, max=999)])
    active = BooleanField(_l("Aktif"), default=True)
