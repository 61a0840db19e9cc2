"""/users/addresses: the shopper's address book (add, edit, delete, choose the default).
Each address belongs to one shopper: another's id is a 404 that changes nothing."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from werkzeug.wrappers import Response

from storefront.blueprints.checkout.forms import AddressForm
from storefront.models import Address
from storefront.services import validate
from storefront.services.orders import addresses
from storefront.web import headers

bp = Blueprint("addresses", __name__)


headers.keep_private(bp)


def _back() -> str:
    """Where to go after a change: checkout when the form was on it, else the book."""
    target = validate.safe_next(request.args.get("next"))
    return target if target == url_for("checkout.page") else url_for("addresses.book")


def _own(raw_id: str) -> Address:
    address = addresses.get(current_user.id, validate.positive_int(raw_id))
    if address is None:
        abort(404)
    return address


@bp.route("", methods=["GET", "POST"])
@login_required
def book() -> Response | tuple[str, int] | str:
    form = AddressForm()
    if form.validate_on_submit():
        try:
            addresses.add(current_user.id, form.fields_(), form.make_default.data)
        except addresses.TooMany:
            form.recipient.errors.append(f"Your address book is full ({addresses.MAX_ADDRESSES} "
                                         "addresses). Please delete one first.")
        else:
            flash("Address saved.", "success")
            return redirect(_back())
    status = 400 if form.is_submitted() else 200
    return render_template("checkout/addresses.html", form=form,
                           book=addresses.book(current_user.id), next=_back()), status


@bp.route("/<address_id>/edit", methods=["GET", "POST"])
@login_required
def edit(address_id: str) -> Response | tuple[str, int]:
    address = _own(address_id)
    form = AddressForm(obj=address)
    if form.validate_on_submit():
        addresses.edit(address, form.fields_())
        flash("Address updated.", "success")
        return redirect(url_for("addresses.book"))
    status = 400 if form.is_submitted() else 200
    return render_template("checkout/address_edit.html", form=form, address=address), status


@bp.post("/<address_id>/delete")
@login_required
def delete(address_id: str) -> Response:
    address = _own(address_id)
    if not FlaskForm().validate_on_submit():
        abort(400)
    addresses.delete(address)
    flash("Address deleted. Orders keep the address they were delivered to.", "success")
    return redirect(url_for("addresses.book"))


@bp.post("/<address_id>/default")
@login_required
def make_default(address_id: str) -> Response:
    address = _own(address_id)
    if not FlaskForm().validate_on_submit():
        abort(400)
    addresses.choose_default(address)
    flash("Default address changed.", "success")
    return redirect(_back())
