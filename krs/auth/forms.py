from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length


class LoginForm(FlaskForm):
    username = StringField(_l("Nama pengguna"), validators=[DataRequired(), Length(max=60)])
    password = PasswordField(_l("Kata sandi"), validators=[DataRequired(), Length(max=200)])


class ChangePasswordForm(FlaskForm):
    current = PasswordField(_l("Kata sandi saat ini"), validators=[DataRequired(), Length(max=200)])
    new = PasswordField(_l("Kata sandi baru"), validators=[DataRequired(), Length(max=200)])
    confirm = PasswordField(
        _l("Ulangi kata sandi baru"),
        validators=[DataRequired(), EqualTo("new", message=_l("Kedua kata sandi baru tidak sama."))],
    )
