from flask_wtf import FlaskForm
from wtforms import HiddenField, IntegerField
from wtforms.validators import InputRequired, NumberRange

QUANTITY_HELP = "Enter a quantity: a whole number from 1 to 9999."


class QuantityField(IntegerField):
    """An IntegerField that says one clear thing, whatever was wrong with the input."""

    def process_formdata(self, valuelist: list) -> None:
        try:
            super().process_formdata(valuelist)
        except ValueError as exc:
            raise ValueError(QUANTITY_HELP) from exc


class AddToCartForm(FlaskForm):
    sku_id = HiddenField(validators=[InputRequired()])
    count = QuantityField(
        "Quantity",
        validators=[InputRequired(QUANTITY_HELP), NumberRange(1, 9999, QUANTITY_HELP)],
    )
