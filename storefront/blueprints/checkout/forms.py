"""The checkout and address book forms (Flask-WTF: each carries its CSRF token)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, HiddenField, RadioField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Regexp

from storefront.services.orders.addresses import AddressFields


def _strip(value: object) -> object:
    return value.strip() if isinstance(value, str) else value


class AddressForm(FlaskForm):
    recipient = StringField("Recipient", filters=[_strip],
                            validators=[DataRequired(), Length(max=60)])
    phone = StringField("Phone", filters=[_strip], validators=[
        DataRequired(), Length(min=5, max=30),
        Regexp(r"^[0-9+()\-. ]+$", message="Digits, spaces and + ( ) - only.")])
    lines = TextAreaField("Address", filters=[_strip], validators=[DataRequired(), Length(max=300)],
                          description="Street and number, city")
    postcode = StringField("Postcode", filters=[_strip], validators=[
        DataRequired(), Length(max=16),
        Regexp(r"^[A-Za-z0-9 -]+$", message="Letters, digits and spaces only.")])
    make_default = BooleanField("Use as my default address")

    def fields_(self) -> AddressFields:
        return AddressFields(self.recipient.data, self.phone.data,
                             self.lines.data.replace("\r\n", "\n"), self.postcode.data.upper())


class CheckoutForm(FlaskForm):
    """What the page posts; choices are checked by the service against the shopper's own
    addresses and the slots on offer, so a forged value is refused there."""
    token = HiddenField()
    quote = HiddenField()
    address_id = StringField()
    slot_id = StringField()
    payment = RadioField(choices=[], validate_choice=False)
