"""Flask-Admin for staff: a view per model, image uploads, bulk actions, freshness hooks.
What the views share (access, CSRF, errors, ranges) is in ``admin/base.py``.

``init_admin(app)`` builds everything per app: Flask-Admin views hold per-app state, so a
module-level ``Admin`` would break the second ``create_app()`` (the tests make many).
"""

from __future__ import annotations

from typing import Any

from flask import Flask, flash
from flask_admin import Admin
from flask_admin.actions import action
from flask_admin.menu import MenuLink
from flask_admin.model import InlineFormAdmin
from flask_admin.theme import Bootstrap4Theme
from sqlalchemy import select
from wtforms import Form, PasswordField, SelectField, ValidationError
from wtforms.validators import Email, InputRequired, Length, Optional

from storefront import models
from storefront.admin.base import (
    MAX_INT,
    MAX_SMALLINT,
    ShopModelView,
    image_field,
    int_range,
    price_range,
    run_action,
    site_or_web_url,
    thumbnail,
)
from storefront.admin.dashboard import DashboardView
from storefront.admin.images import MediaImageField
from storefront.admin.offers import OfferView
from storefront.admin.orders import views as order_views
from storefront.extensions import db
from storefront.models import GoodsSKU, IndexCategoryGoodsBanner, OrderGoods, User
from storefront.services import validate
from storefront.services.accounts import users as accounts
from storefront.services.accounts.passwords import hash_password
from storefront.web.app import csp_nonce

DISPLAY_TYPES = [(IndexCategoryGoodsBanner.TITLE, "Title link"),
                 (IndexCategoryGoodsBanner.IMAGE, "Image tile")]


def ajax(*fields: str) -> dict[str, Any]:
    """A select that searches as staff type, not one that lists every row of a big table."""
    return {"fields": fields, "page_size": 20}


class CategoryView(ShopModelView):
    column_list = ("id", "image", "name", "logo", "updated_at")
    column_formatters = {"image": thumbnail}
    column_searchable_list = ("name",)
    form_columns = ("name", "logo", "image")
    form_overrides = {"image": MediaImageField}
    form_args = {"image": image_field("categories/", "Banner image"),
                 "logo": {"description": "CSS class of the nav icon, e.g. fruit"}}


class SPUView(ShopModelView):
    column_list = ("id", "name", "name_zh", "updated_at")
    column_searchable_list = ("name", "name_zh", "detail")
    column_labels = {"name": "Name (English)", "name_zh": "Name (Chinese)"}
    form_columns = ("name", "name_zh", "detail")
    form_args = {"name_zh": {"label": "Name (Chinese)", "validators": [Optional(), Length(max=80)],
                             "description": "Shoppers searching in Chinese find it by this, "
                                            "e.g. 全脂牛奶"}}


class SynonymView(ShopModelView):
    """Words shoppers use for one thing: a search for any finds what the others would."""

    column_list = ("words", "updated_at")
    column_searchable_list = ("words",)
    form_columns = ("words",)
    form_args = {"words": {"label": "Words that mean the same",
                           "validators": [InputRequired(), Length(max=255)],
                           "description": "Separated by commas, e.g. milk, 牛奶, 鲜奶"}}


class GalleryInline(InlineFormAdmin):
    """The SKU's gallery on its form. The SKU's own freshness record covers these rows:
    its detail page is the only page that shows them."""

    form_label = "Gallery picture"
    form_columns = ("id", "image")
    form_overrides = {"image": MediaImageField}
    form_args = {"image": image_field("goods/")}


class SKUView(ShopModelView):
    column_list = ("id", "default_image", "name", "category", "goods", "price", "unit",
                   "stock", "sales", "is_on_sale", "updated_at")
    column_formatters = {"default_image": thumbnail}
    column_searchable_list = ("name", "title", "goods.name")
    column_filters = ("category.name", "goods.name", "is_on_sale", "price", "stock")
    column_sortable_list = ("id", "name", ("category", "category.name"),
                            ("goods", "goods.name"), "price", "stock", "sales", "is_on_sale",
                            "updated_at")
    column_editable_list = ("price", "stock", "is_on_sale")
    # "sales" is counted by orders, never typed: the list and the details show it
    form_columns = ("name", "title", "category", "goods", "price", "unit", "stock",
                    "is_on_sale", "default_image")
    form_ajax_refs = {"category": ajax("name"), "goods": ajax("name")}
    form_overrides = {"default_image": MediaImageField}
    form_args = {"default_image": image_field("goods/"),
                 "price": {"validators": price_range()},
                 "stock": {"validators": int_range(0, MAX_INT)}}
    inline_models = (GalleryInline(models.GoodsImage),)

    def on_model_delete(self, model: GoodsSKU) -> None:
        """A SKU that was sold stays: its order lines and reviews point at it (and the
        foreign key would refuse the delete with an SQL error). Off sale hides it instead.
        What goes with a deleted SKU is in the model (cascades) and freshness (carts)."""
        sold = db.session.scalar(select(OrderGoods.id).where(OrderGoods.sku_id == model.id)
                                 .limit(1))
        if sold is not None:
            raise ValidationError(f"“{model.name}” is in customer orders, so it cannot be "
                                  "deleted. Take it off sale instead; nothing was changed.")
        super().on_model_delete(model)

    @action("take_off_sale", "Take off sale",
            "Take the selected SKUs off sale? Their pages disappear from the shop.")
    def action_take_off_sale(self, ids: list[str]) -> None:
        self._set_on_sale(ids, on_sale=False)

    @action("put_on_sale", "Put on sale")
    def action_put_on_sale(self, ids: list[str]) -> None:
        self._set_on_sale(ids, on_sale=True)

    def _set_on_sale(self, ids: list[str], on_sale: bool) -> None:
        wanted = [i for i in map(validate.positive_int, ids) if i is not None]

        def change() -> int:
            skus = db.session.scalars(select(GoodsSKU).where(GoodsSKU.id.in_(wanted))).all()
            for sku in skus:
                sku.is_on_sale = on_sale
            db.session.commit()
            return len(skus)

        changed = run_action(change, "The SKUs could not be changed; nothing was saved.")
        if changed is not None:
            flash(f"{changed} SKU(s) {'put on' if on_sale else 'taken off'} sale.", "success")


class GalleryView(ShopModelView):
    column_list = ("id", "image", "sku", "updated_at")
    column_formatters = {"image": thumbnail}
    column_searchable_list = ("sku.name",)
    form_columns = ("sku", "image")
    form_ajax_refs = {"sku": ajax("name")}
    form_overrides = {"image": MediaImageField}
    form_args = {"image": image_field("goods/")}


class CarouselView(ShopModelView):
    column_list = ("index", "image", "sku", "updated_at")
    column_formatters = {"image": thumbnail}
    column_default_sort = ("index", False)
    form_columns = ("sku", "image", "index")
    form_ajax_refs = {"sku": ajax("name")}
    form_overrides = {"image": MediaImageField}
    form_args = {"image": image_field("banners/", "Slide image"),
                 "index": {"validators": int_range(0, MAX_SMALLINT)}}


class CategoryRowView(ShopModelView):
    column_list = ("category", "display_type", "index", "sku", "updated_at")
    column_choices = {"display_type": DISPLAY_TYPES}
    column_filters = ("category.name", "display_type")
    column_default_sort = [("category_id", False), ("display_type", False), ("index", False)]
    form_columns = ("category", "sku", "display_type", "index")
    form_ajax_refs = {"category": ajax("name"), "sku": ajax("name")}
    form_overrides = {"display_type": SelectField}
    form_args = {"display_type": {"choices": DISPLAY_TYPES, "coerce": int},
                 "index": {"validators": int_range(0, MAX_SMALLINT)}}


class PromotionView(ShopModelView):
    column_list = ("index", "image", "name", "url", "updated_at")
    column_formatters = {"image": thumbnail}
    column_default_sort = ("index", False)
    column_searchable_list = ("name", "url")
    form_columns = ("name", "url", "image", "index")
    form_overrides = {"image": MediaImageField}
    form_args = {"image": image_field("promotions/"),
                 "index": {"validators": int_range(0, MAX_SMALLINT)},
                 # Flask-Admin takes a posted "url" as where to go after saving: staff
                 # landed on the promotion's target. The column keeps its name; the form
                 # sends it as "target_url" (WTForms' ``name``: the HTML name only).
                 "url": {"name": "target_url", "label": "Link", "validators": [site_or_web_url],
                         "description": "A page of the shop (/list/2) or an https:// address"}}


class NewPasswordField(PasswordField):
    def populate_obj(self, obj: Any, name: str) -> None:
        """Never set on the model as typed: on_model_change stores its hash."""


class UserView(ShopModelView):
    can_delete = False  # orders and reviews point at the account: deactivate it instead
    column_list = ("id", "username", "email", "is_active", "is_staff", "created_at")
    column_details_exclude_list = ("password_hash",)
    column_searchable_list = ("username", "email")
    column_filters = ("is_active", "is_staff")
    form_columns = ("username", "email", "new_password", "is_active", "is_staff")
    form_extra_fields = {"new_password": NewPasswordField(
        "New password", [Optional(), Length(min=8)],
        description="Leave empty to keep the current password.")}
    form_args = {"username": {"validators": [Length(min=2, max=40)]},
                 "email": {"validators": [Email()]}}

    def get_create_form(self) -> type[Form]:
        class NewUserForm(super().get_create_form()):  # type: ignore[misc]
            new_password = NewPasswordField("Password", [InputRequired(), Length(min=8)])

        return NewUserForm

    def on_model_change(self, form: Form, model: User, is_created: bool) -> None:
        # the model keeps the canonical username and email in step itself (models.User)
        if form.new_password.data:
            model.password_hash = hash_password(form.new_password.data)
            model.session_version = (model.session_version or 0) + 1  # a new password ends
        super().on_model_change(form, model, is_created)  # every session made with the old

    @action("end_sessions", "Sign out everywhere",
            "Sign the selected users out on every device they are signed in on?")
    def action_end_sessions(self, ids: list[str]) -> None:
        wanted = [i for i in map(validate.positive_int, ids) if i is not None]
        count = run_action(lambda: accounts.end_sessions(wanted),
                           "The users could not be signed out; nothing was changed.")
        if count is not None:
            flash(f"{count} user(s) signed out everywhere.", "success")


class OrderLineView(ShopModelView):
    column_list = ("id", "order", "sku", "count", "price", "rating", "comment", "reviewed_at")
    column_searchable_list = ("comment", "order.order_no", "sku.name")
    form_columns = ("order", "sku", "count", "price", "comment")
    form_ajax_refs = {"order": ajax("order_no"), "sku": ajax("name")}
    form_args = {"count": {"validators": int_range(1, MAX_INT)},
                 "price": {"validators": price_range()}}


def init_admin(app: Flask) -> Admin:
    """The admin at /admin/, staff only, with a fresh set of views for this app."""
    admin = Admin(app, name="Storefront admin", index_view=DashboardView(name="Dashboard"),
                  theme=Bootstrap4Theme(base_template="admin/storefront_base.html", fluid=True),
                  # the CSP lets the admin's own inline scripts run by this per-response nonce
                  csp_nonce_generator=csp_nonce)
    catalogue, homepage, people = "Catalogue", "Homepage", "Customers & orders"
    admin.add_views(
        CategoryView(models.GoodsCategory, db, "Categories", catalogue),
        # endpoint "goods" is the shop's blueprint
        SPUView(models.Goods, db, "Products (SPU)", catalogue, endpoint="admin_goods", url="goods"),
        SKUView(GoodsSKU, db, "SKUs", catalogue),
        SynonymView(models.SearchSynonym, db, "Search synonyms", catalogue),
        GalleryView(models.GoodsImage, db, "Gallery images", catalogue),
        CarouselView(models.IndexGoodsBanner, db, "Carousel", homepage),
        CategoryRowView(IndexCategoryGoodsBanner, db, "Category rows", homepage),
        PromotionView(models.IndexPromotionBanner, db, "Promotions", homepage),
        OfferView(models.Offer, db, "Offers", homepage),
        UserView(User, db, "Users", people),
        *order_views(),
        OrderLineView(OrderGoods, db, "Order lines & reviews", people),
    )
    admin.add_link(MenuLink("View shop", endpoint="goods.index"))
    return admin
