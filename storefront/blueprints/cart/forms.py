from flask_wtf import FlaskForm
from wtforms import HiddenField, IntegerField
from wtforms.validators import InputRequired

from storefront.services import validate


class QuantityField(IntegerField):
    """A count parsed by ``validate.count``, saying one clear thing whatever was wrong.

    IntegerField's own ``int()`` would take '١٢', '1_000' and JSON's ``true`` and ``2.7``, and
    let an OverflowError through for a JSON 1e400: a 500 instead of a message.
    """

    def process_formdata(self, valuelist: list) -> None:
        if not valuelist:
            return
        self.data = validate.count(valuelist[0])
        if self.data is None:
            raise ValueError(validate.COUNT_HELP)


class CartLineForm(FlaskForm):
    """Remove a line: which SKU."""

    sku_id = HiddenField(validators=[InputRequired()])


class AddToCartForm(CartLineForm):
    """Add to the cart, or change a line's count (/cart/update): the same two fields."""

    count = QuantityField("Quantity", validators=[InputRequired(validate.COUNT_HELP)])
