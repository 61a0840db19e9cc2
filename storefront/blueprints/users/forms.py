from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, StringField
from wtforms.validators import Email, EqualTo, InputRequired, Length, Regexp

from storefront.identity import display_form


def email_field() -> EmailField:
    return EmailField("Email", filters=[display_form],  # as typed, full-width letters folded
                      validators=[InputRequired(), Email(check_deliverability=False),
                                  Length(max=254)])


class LoginForm(FlaskForm):
    # the username or the email: the longest an email may be
    username = StringField("Username or email", validators=[InputRequired(), Length(max=254)])
    password = PasswordField("Password", validators=[InputRequired(), Length(max=128)])


class RegisterForm(FlaskForm):
    username = StringField(
        "Username",
        filters=[display_form],  # full-width letters and stray spaces before the checks
        validators=[
            InputRequired(),
            Length(min=3, max=40),
            Regexp(r"^[A-Za-z0-9_.-]+$", message="Use letters, digits, '.', '-' or '_'."),
        ],
    )
    email = email_field()
    password = PasswordField("Password", validators=[InputRequired(), Length(min=8, max=128)])
    confirm = PasswordField(
        "Repeat password", validators=[InputRequired(), EqualTo("password", "Passwords differ.")]
    )


class NewPasswordForm(FlaskForm):
    """A new password, from a forgotten-password link."""

    password = PasswordField("New password", validators=[InputRequired(), Length(min=8, max=128)])
    confirm = PasswordField(
        "Repeat new password",
        validators=[InputRequired(), EqualTo("password", "Passwords differ.")])


class PasswordChangeForm(NewPasswordForm):
    current = PasswordField("Current password",
                            validators=[InputRequired(), Length(max=128)])


class ForgotPasswordForm(FlaskForm):
    email = email_field()
