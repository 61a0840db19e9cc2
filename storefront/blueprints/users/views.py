"""Register, sign in, sign out, change password, a forgotten password, profile."""

from __future__ import annotations

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, login_required, login_user, logout_user
from werkzeug.wrappers import Response

from storefront.blueprints.users.forms import (
    ForgotPasswordForm,
    LoginForm,
    NewPasswordForm,
    PasswordChangeForm,
    RegisterForm,
)
from storefront.services import catalog, validate
from storefront.services.accounts import reset, throttle
from storefront.services.accounts import users as accounts
from storefront.services.cart import shopper
from storefront.web import visitor_cart

bp = Blueprint("users", __name__)


def _sign_in(user: accounts.User) -> None:
    session.clear()  # a fresh session on sign-in: nothing planted before it survives
    signed_in = accounts.session_user(user)
    login_user(signed_in)
    accounts.store_cached_user(signed_in)  # so even the first page needs no query for it
    visitor_cart.merge_at_sign_in(signed_in.id)  # what they put in the cart before


TOO_MANY_SIGNUPS = "Too many new accounts from your network. Please try again later."


@bp.route("/register", methods=["GET", "POST"])
def register() -> Response | str | tuple[str, int]:
    form = RegisterForm()
    if form.validate_on_submit():
        if not throttle.signup_allowed(request.remote_addr):
            return render_template("users/register.html", form=form,
                                   throttled=TOO_MANY_SIGNUPS), 429
        try:
            user = accounts.create_user(form.username.data, form.email.data, form.password.data)
        except accounts.AccountTaken:
            form.username.errors.append("That username or email is already registered.")
        else:
            _sign_in(user)
            flash(f"Welcome to Storefront, {user.username}!", "success")
            return redirect(validate.safe_next(request.args.get("next"))
                            or url_for("goods.index"))
    status = 400 if form.is_submitted() else 200
    return render_template("users/register.html", form=form), status


TOO_MANY = "Too many sign-in attempts. Please wait a few minutes and try again."


@bp.route("/login", methods=["GET", "POST"])
def login() -> Response | str | tuple[str, int]:
    next_url = validate.safe_next(request.args.get("next"))
    if current_user.is_authenticated:
        return redirect(next_url or url_for("goods.index"))
    form = LoginForm()
    if form.validate_on_submit():
        username, address = form.username.data, request.remote_addr
        if throttle.blocked(username, address):
            return render_template("users/login.html", form=form, next_url=next_url,
                                   throttled=TOO_MANY), 429
        user = accounts.authenticate(username, form.password.data)
        if user is not None:
            _sign_in(user)
            return redirect(next_url or url_for("goods.index"))
        throttle.failed(username, address)
        form.password.errors.append("Wrong username or password.")
    status = 400 if form.is_submitted() else 200
    return render_template("users/login.html", form=form, next_url=next_url), status


@bp.post("/logout")
def logout() -> Response:
    if current_user.is_authenticated:
        # every copy of this session cookie stops working, not only this browser's
        accounts.end_sessions([current_user.id])
    logout_user()
    session.clear()
    # The message goes on the sign-in page, which the app renders for each visitor: the
    # homepage is nginx's static file for anonymous visitors and shows nobody's messages.
    flash(SIGNED_OUT, "success")
    return redirect(url_for("users.login"))


SIGNED_OUT = "You are signed out. See you soon!"


@bp.get("/profile")
@login_required
def profile() -> str:
    history = catalog.skus_in_order(shopper.history_ids(current_user.id))
    return render_template("users/profile.html", history=history,
                           account=accounts.account(current_user.id),
                           categories=catalog.list_categories(),
                           cart_count=shopper.cart_count(current_user.id))


@bp.route("/password", methods=["GET", "POST"])
@login_required
def password() -> Response | str | tuple[str, int]:
    form = PasswordChangeForm()
    if form.validate_on_submit():
        if accounts.change_password(current_user.id, form.password.data,
                                    current_password=form.current.data):
            # this browser stays signed in, under the new session version
            _sign_in(accounts.account(current_user.id))
            flash("Password changed. You were signed out everywhere else.", "success")
            return redirect(url_for("users.profile"))
        form.current.errors.append("That is not your current password.")
    status = 400 if form.is_submitted() else 200
    return render_template("users/password.html", form=form), status


RESET_SENT = ("If an account uses that address, we have mailed it a link to set a new "
              "password. The link works once, within {lifetime}.")
TOO_MANY_RESETS = "Too many links asked for. Please wait an hour and try again."


@bp.route("/forgot-password", methods=["GET", "POST"])
def forgot_password() -> Response | str | tuple[str, int]:
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        # the same answer whether the address has an account or not (accounts/reset.py)
        if not reset.request_link(form.email.data, request.remote_addr):
            return render_template("users/forgot.html", form=form,
                                   throttled=TOO_MANY_RESETS), 429
        flash(RESET_SENT.format(lifetime=reset.lifetime(
            int(current_app.config["PASSWORD_RESET_SECONDS"]))), "success")
        return redirect(url_for("users.login"))
    status = 400 if form.is_submitted() else 200
    return render_template("users/forgot.html", form=form), status


@bp.route("/reset-password/<token>", methods=["GET", "POST"])
def reset_password(token: str) -> Response | str | tuple[str, int]:
    user = reset.user_for_token(token)
    form = NewPasswordForm()
    if user is not None and form.validate_on_submit():
        if reset.set_password(user, form.password.data):
            _sign_in(accounts.account(user.id))  # this browser only: the rest are signed out
            flash("Your new password is set. You were signed out everywhere else.", "success")
            return redirect(url_for("users.profile"))
        user = None  # used meanwhile, in another tab
    if user is None:
        return render_template("users/reset.html", form=None), 400
    status = 400 if form.is_submitted() else 200
    return render_template("users/reset.html", form=form, token=token), status
