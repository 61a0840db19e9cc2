"""What every Flask-Admin view of the shop shares: staff-only access, Flask-WTF's CSRF,
plain messages instead of database errors, safe list pages, range-checked numbers and the
freshness hooks. The concrete views are in ``admin.py``.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from decimal import Decimal
from typing import Any, TypeVar
from urllib.parse import urlsplit

from flask import abort, flash, redirect, request, url_for
from flask_admin import expose
from flask_admin.contrib.sqla import ModelView
from flask_admin.form import BaseForm
from flask_admin.model import typefmt
from flask_admin.model.base import ViewArgs
from flask_login import current_user
from flask_wtf import FlaskForm
from markupsafe import Markup
from sqlalchemy.exc import DataError, IntegrityError, OperationalError, SQLAlchemyError
from werkzeug.wrappers import Response
from wtforms import Field, Form
from wtforms.validators import NumberRange, StopValidation, ValidationError

from storefront.extensions import db
from storefront.services import validate
from storefront.web.app import format_price, media_url

log = logging.getLogger(__name__)
T = TypeVar("T")

# The columns' ranges: Numeric(10, 2), INTEGER and SMALLINT. Past them MariaDB refuses the
# row with an SQL error and SQLite stores whatever it is given (an infinite price).
MIN_PRICE, MAX_PRICE = Decimal("0.01"), Decimal("99999999.99")
MAX_INT = 2**31 - 1
MAX_SMALLINT = 2**15 - 1


class AdminForm(BaseForm, FlaskForm):
    """Flask-Admin's form carrying Flask-WTF's token: the one the app-wide CSRFProtect
    checks. (Flask-Admin's SecureForm signs a token of its own, which CSRFProtect rejects.)
    Delete buttons, bulk actions and in-list edits are built on it too."""


# --- numbers -----------------------------------------------------------------------------


def finite(form: Form, field: Field) -> None:
    """Decimal reads 'inf', 'nan' and '1e999'; none is a price, and NaN would make the
    range check itself raise (decimal.InvalidOperation, a 500)."""
    if isinstance(field.data, Decimal) and not field.data.is_finite():
        field.errors[:] = []
        raise StopValidation("Enter a number.")


def price_range() -> list:
    return [finite, NumberRange(min=MIN_PRICE, max=MAX_PRICE,
                                message=f"Enter a price from {MIN_PRICE} to {MAX_PRICE}.")]


def int_range(low: int, high: int) -> list:
    return [NumberRange(min=low, max=high, message=f"Enter a whole number from {low} to "
                                                   f"{high}.")]


# --- access ------------------------------------------------------------------------------


def is_staff() -> bool:
    return bool(current_user.is_authenticated and current_user.is_active
                and current_user.is_staff)


class StaffOnly:
    """Anonymous visitors go to the shop's login, signed-in shoppers get a 403."""

    def is_accessible(self) -> bool:
        return is_staff()

    def inaccessible_callback(self, name: str, **kwargs: Any) -> Response:
        if current_user.is_authenticated:
            abort(403)
        return redirect(url_for("users.login", next=_return_path()))


def _return_path() -> str:
    if request.method not in ("GET", "HEAD"):  # a redirect cannot replay a POST
        return url_for("admin.index")
    return request.full_path if request.query_string else request.path


# --- database errors ---------------------------------------------------------------------


def plain_message(exc: SQLAlchemyError) -> str:
    """What staff are told when the database refuses a change. Never ``str(exc)``: that
    is the SQL statement, its parameters and the server's own words."""
    if isinstance(exc, IntegrityError):
        return ("Nothing was saved: this would duplicate another record, or other records "
                "still depend on this one.")
    if isinstance(exc, DataError):
        return "Nothing was saved: a value is too long or out of range."
    if isinstance(exc, OperationalError):
        return "Nothing was saved: the database is unavailable just now. Please try again."
    return "Nothing was saved: the database refused the change."


def run_action(work: Callable[[], T], failed: str) -> T | None:
    """A list action's database work. When the database refuses it, nothing is kept, the
    log has the details, and staff read ``failed``; the caller gets None."""
    try:
        return work()
    except SQLAlchemyError:
        db.session.rollback()
        log.exception("admin: action refused by the database (%s)", failed)
        flash(failed, "error")
        return None


# --- images and links --------------------------------------------------------------------


# A product picture is shown up to 320 CSS px wide (tiles, the gallery on a phone): a
# smaller upload would be blown up and blurred.
PRODUCT_PICTURE_MIN = 320


def image_field(folder: str, label: str = "Picture") -> dict[str, Any]:
    minimum = PRODUCT_PICTURE_MIN if folder == "goods/" else 0  # banners have their own shapes
    return {"folder": folder, "label": label, "min_side": minimum}


def thumbnail(view: ModelView, context: Any, model: Any, name: str) -> Markup:
    path = getattr(model, name)
    if not path:
        return Markup("")
    return Markup('<img src="{}" alt="" height="48" loading="lazy">').format(media_url(path))


def site_or_web_url(form: Form, field: Field) -> None:
    """A page of this shop ("/list/2") or an http(s) address; never javascript:, data: or
    a protocol-relative "//elsewhere" that would leave the shop."""
    value = (field.data or "").strip()
    field.data = value
    if validate.safe_next(value):
        return
    parts = urlsplit(value)
    if (parts.scheme in ("http", "https") and parts.netloc
            and not any(ch.isspace() or ch == "\\" for ch in value)):
        return
    raise ValidationError("Use a path on this site (starting with /) or an http(s):// address.")


# --- the shared model view ---------------------------------------------------------------


def money(view: ModelView, value: Decimal, name: str) -> str:
    return f"${format_price(value)}"  # the shop's one currency, as its pages show it


def minutes(view: ModelView, value: datetime, name: str) -> str:
    return value.strftime("%Y-%m-%d %H:%M")


def _messages(form: Form) -> list[tuple[str, str]]:
    """(field label, error) for every refused field, those of inline forms (a gallery
    picture) included."""
    found = []
    for field in form:
        if field.errors and isinstance(field.errors, list | tuple):
            found += [(field.label.text, e) for e in field.errors if isinstance(e, str)]
        for entry in getattr(field, "entries", ()):  # an inline list: its forms' fields
            if hasattr(entry, "form"):
                found += _messages(entry.form)
    return found


class ShopModelView(StaffOnly, ModelView):
    """What every model view shares: staff only, CSRF, money with 2 decimals, freshness."""

    form_base_class = AdminForm
    column_type_formatters = {**typefmt.BASE_FORMATTERS, Decimal: money, datetime: minutes}
    column_type_formatters_detail = {**typefmt.DETAIL_FORMATTERS, Decimal: money,
                                     datetime: minutes}
    column_default_sort = ("id", True)
    column_labels = {  # also names the search box's and the filters' fields
        "updated_at": "Updated", "created_at": "Created", "sku": "SKU", "sku.name": "SKU",
        "goods": "Product (SPU)", "goods.name": "Product (SPU)", "category.name": "Category",
        "default_image": "Picture", "is_on_sale": "On sale", "display_type": "Shown as",
        "order_no": "Order no.", "order.order_no": "Order no.", "user.username": "Username",
        "is_active": "Active", "is_staff": "Staff", "comment": "Review",
        # the list edits prices in place, as plain numbers: the heading names the currency
        "price": "Price (US$)"}
    can_view_details = True
    page_size = 50

    def validate_form(self, form: Form) -> bool:
        """Flask-Admin's own message for a refused form is "Failed to save record."; say
        what was wrong at the top too, where staff look (a picture's error is far down)."""
        valid = super().validate_form(form)
        if not valid and request.method == "POST":
            for label, error in _messages(form):
                flash(f"{label}: {error}", "danger")
        return valid

    def handle_view_exception(self, exc: Exception) -> bool:
        """Flask-Admin flashes ``str(exc)`` for database errors: raw SQL. Staff get a plain
        sentence; the log keeps the details."""
        if isinstance(exc, SQLAlchemyError):
            log.warning("admin: %s refused by the database", self.endpoint, exc_info=exc)
            flash(plain_message(exc), "error")
            return True
        return super().handle_view_exception(exc)

    def _handle_view(self, name: str, **kwargs: Any) -> Any:
        """Flask-Admin redirects to its ``url`` parameter after a save, a delete or a
        missing row. It only checks the host: a CR/LF in it reached the Location header
        (a ValueError, a 500). Its own return URLs are paths of this site; so must be any."""
        refused = super()._handle_view(name, **kwargs)
        if refused is not None:
            return refused
        target = request.values.get("url")
        if target and validate.safe_next(target) is None:
            abort(400, "That return address is not a page of this site.")
        return None

    @expose("/ajax/update/", methods=("POST",))
    def ajax_update(self) -> Any:
        """Flask-Admin answers an in-list edit that it refused (a bad value, a missing row,
        a save the database turned down) with a 500; each is the sender's error and changed
        nothing. Same message, a 400 (x-editable shows it for any error status). A post
        without a usable row id would reach Flask-Admin's ``form.list_form_pk.data`` on a
        field it had just removed: refused here first."""
        if validate.positive_int(request.form.get("list_form_pk")) is None:
            return "Failed to update record: no such record.", 400
        answer = super().ajax_update()
        if isinstance(answer, tuple) and answer[1] == 500:
            return answer[0], 400
        return answer

    def _get_list_extra_args(self) -> ViewArgs:
        """Flask-Admin reads ``page`` with int(): a negative page is a negative OFFSET and a
        huge one overflows it, both a 500. Anything but a page that can exist is page 1."""
        args = super()._get_list_extra_args()
        raw = request.args.get("page", "0")
        page = 0 if raw == "0" else validate.positive_int(raw)
        size = self.get_safe_page_size(args.page_size)
        args.page = page if page is not None and page * size <= MAX_INT else 0
        return args
