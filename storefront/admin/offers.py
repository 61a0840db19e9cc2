"""The admin's offers: the same rules as `flask offers` (services/offers/manage.py).

Times are typed and shown in the shop's zone (SHOP_TIMEZONE) and stored in UTC. A save
records every SKU the offer covered or covers, so its pages follow it after the commit, and
its times move the page layer's boundaries with it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask_admin.contrib.sqla.filters import BaseSQLAFilter
from wtforms import Form, ValidationError
from wtforms.fields import DateTimeLocalField, SelectField

from storefront.admin.base import ShopModelView, int_range, price_range
from storefront.extensions import db
from storefront.models import Offer
from storefront.services.offers import manage, prices
from storefront.services.offers.prices import terms_of

KINDS = [(Offer.PERCENT, "Percent off"), (Offer.FIXED, "Fixed price"),
         (Offer.MULTIBUY, "Multibuy")]


MINUTES, SECONDS = "%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"


class ShopTimeField(DateTimeLocalField):
    """A date and time in SHOP_TIMEZONE on the form, an aware UTC moment on the model."""

    def process_formdata(self, valuelist: list[str]) -> None:
        super().process_formdata(valuelist)
        if self.data is not None:
            self.data = self.data.replace(tzinfo=manage.zone())

    def _value(self) -> str:
        if isinstance(self.data, datetime) and self.data.tzinfo is not None:
            return self.data.astimezone(manage.zone()).strftime(
                SECONDS if self.data.second else MINUTES)
        return super()._value()

    def __call__(self, **kwargs: Any) -> str:
        # times with seconds (the CLI's, the demo's) are shown and sent back with them: a
        # save that changed something else must not move a boundary; the browser refuses
        # seconds unless the input steps by one
        if isinstance(self.data, datetime) and self.data.second:
            kwargs.setdefault("step", 1)
        return super().__call__(**kwargs)


def _badge(view: Any, context: Any, model: Offer, name: str) -> str:
    return terms_of(model).badge


def _target(view: Any, context: Any, model: Offer, name: str) -> str:
    return manage.describe_target(model)


def _in_shop_time(view: Any, context: Any, model: Offer, name: str) -> str:
    return getattr(model, name).astimezone(manage.zone()).strftime("%Y-%m-%d %H:%M %Z")


class RunningNow(BaseSQLAFilter):
    """The offers list's "Running now" filter: started, not ended, at the moment of asking."""

    def __init__(self) -> None:
        super().__init__(Offer.starts_at, "Running now", options=[("1", "yes")])

    def apply(self, query: Any, value: Any, alias: Any = None) -> Any:
        moment = prices.now()
        return query.filter(Offer.starts_at <= moment, Offer.ends_at > moment)

    def operation(self) -> str:
        return "is"


class OfferView(ShopModelView):
    column_list = ("id", "name", "kind", "target", "starts_at", "ends_at", "promotion")
    column_filters = (RunningNow(),)  # the dashboard's "Offers running now" links here
    column_formatters = {"kind": _badge, "target": _target, "starts_at": _in_shop_time,
                         "ends_at": _in_shop_time}
    column_labels = {**ShopModelView.column_labels, "starts_at": "Starts", "ends_at": "Ends",
                     "skus": "SKUs", "buy_count": "Multibuy: buy", "pay_count":
                     "Multibuy: pay for", "bundle_price": "Multibuy: for $",
                     "promotion": "Promotion banner"}
    column_searchable_list = ("name",)
    form_columns = ("name", "kind", "percent", "fixed_price", "buy_count", "pay_count",
                    "bundle_price", "skus", "goods", "category", "starts_at", "ends_at",
                    "promotion")
    form_ajax_refs = {"skus": {"fields": ("name",), "page_size": 20},
                      "goods": {"fields": ("name",), "page_size": 20}}
    form_overrides = {"kind": SelectField, "starts_at": ShopTimeField,
                      "ends_at": ShopTimeField}
    form_args = {
        "kind": {"choices": KINDS},
        "percent": {"validators": int_range(1, 90), "description": "1 to 90"},
        "fixed_price": {"validators": price_range(), "description": "per item, below the "
                        "normal price of every SKU it covers"},
        "buy_count": {"validators": int_range(2, 99), "description": "3 in 3 for 2"},
        "pay_count": {"validators": int_range(1, 98), "description": "2 in 3 for 2"},
        "bundle_price": {"validators": price_range(), "description": "5.00 in 2 for $5.00"},
        "starts_at": {"format": [MINUTES, SECONDS], "description": "in the shop's time zone"},
        "ends_at": {"format": [MINUTES, SECONDS], "description": "in the shop's time zone"},
    }

    def on_model_change(self, form: Form, model: Offer, is_created: bool) -> None:
        # Only the numbers of the chosen kind count: a stale percent left in the form
        # after switching to a multibuy must not ride along.
        for kind, fields in ((Offer.PERCENT, ("percent",)), (Offer.FIXED, ("fixed_price",)),
                             (Offer.MULTIBUY, ("buy_count", "pay_count", "bundle_price"))):
            if model.kind != kind:
                for name in fields:
                    setattr(model, name, None)
        try:
            with db.session.no_autoflush:
                manage.check(model)
        except manage.OfferError as exc:
            raise ValidationError(str(exc)) from exc
        manage.record(db.session, model)
        manage.point_banner(db.session, model)

    def on_model_delete(self, model: Offer) -> None:
        manage.record(db.session, model)

