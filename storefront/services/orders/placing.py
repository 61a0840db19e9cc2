"""Checkout: what the cart costs now (``quote``), and placing it as an order (``place``).

Placing is one transaction. SKU by SKU in id order (every checkout locks rows in the same
order: no deadlock between two), one conditional UPDATE takes the stock (``stock >= n``);
then the slot's place (``taken < capacity``); then the order row, whose unique checkout
token makes a second submit of the same page fail and find the first one's order. (The
order row comes last because its foreign key to the slot takes a shared lock on the slot's
row: taken first, thirty checkouts holding it would deadlock on the slot's update.) Any
line short: the transaction rolls back, nothing is written, and the shopper is told which
line and how many are left; the cart is never touched before the commit. Prices are read
again under the row locks; if one moved since the page was shown, nothing is placed and
the shopper confirms the new total.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError, OperationalError

from storefront.extensions import db
from storefront.models import GoodsSKU, OrderGoods, OrderInfo, utcnow
from storefront.services import validate
from storefront.services.cart import lines as cart_lines
from storefront.services.cart import shopper, stock
from storefront.services.orders import addresses, bands, numbers, payment, pricing, slots
from storefront.services.orders.errors import (
    AlreadyPlaced,
    BadCheckout,
    CheckoutRefused,
    PricesChanged,
    ShortStock,
)
from storefront.services.pages import freshness
from storefront.services.pages import tags as tag

log = logging.getLogger(__name__)

TOKEN_SALT = "checkout-token"  # noqa: S105  (a signing context, not a secret)
ATTEMPTS = 3  # a deadlock or an order number drawn twice: drawn again
MAX_FINGERPRINT = 4000  # a cart's lines (MAX_LINES) as the page shows them, with room


@dataclass(frozen=True)
class QuoteLine:
    sku_id: int
    name: str
    unit: str
    image: str | None
    count: int
    unit_price: Decimal  # one item, offers applied
    total: Decimal  # the line, offers applied (a multibuy is not unit_price x count)
    offer: str | None = None  # the winning offer's badge, when one applies
    saving: Decimal = Decimal("0.00")  # below the normal price, as the cart says it


@dataclass(frozen=True)
class Quote:
    lines: list[QuoteLine]  # what would be bought, in the cart's order
    unavailable: list[cart_lines.Line]  # listed apart, never charged
    totals: pricing.Totals

    @property
    def fingerprint(self) -> str:
        """What the shopper saw: each line's count and price, "id:count:price;...". The page
        posts it back; a change means "confirm" (and names a line that ran out). Forging it
        only changes what the shopper is asked: prices and stock are read again anyway."""
        return ";".join(f"{x.sku_id}:{x.count}:{x.total}" for x in
                        sorted(self.lines, key=lambda x: x.sku_id))


def _seen_counts(fingerprint: str) -> dict[int, int]:
    """The SKUs and counts of a posted fingerprint; what is not one is left out."""
    seen = {}
    for part in fingerprint[:MAX_FINGERPRINT].split(";"):
        sku_id, _, rest = part.partition(":")
        key, count = validate.positive_int(sku_id), validate.count(rest.partition(":")[0])
        if key is not None and count is not None:
            seen[key] = count
    return seen


def quote(cart: shopper.Cart, at: datetime | None = None) -> Quote:
    """The buyable lines of a cart at their prices now (raises ``StoreUnavailable``)."""
    at = at or utcnow()
    summary = cart_lines.read(shopper.lines(cart))
    buyable = [x for x in summary.lines if not x.problem]
    skus = {x.sku_id: db.session.get(GoodsSKU, x.sku_id) for x in buyable}  # loaded by read()
    priced = pricing.price_lines([(skus[x.sku_id], x.count) for x in buyable], at)
    lines = []
    for line in buyable:
        unit, whole = priced[line.sku_id]
        lines.append(QuoteLine(line.sku_id, line.name, line.unit, line.image, line.count,
                               unit, whole.total,
                               whole.offer.badge if whole.offer else None, whole.saving))
    subtotal = sum((x.total for x in lines), Decimal("0.00"))
    return Quote(lines, summary.unavailable, pricing.totals(subtotal))


def issue_token(user_id: int) -> str:
    """A one-time token for one checkout page, bound to the shopper it was issued to."""
    nonce = shopper.new_token()
    return _serializer().dumps([user_id, nonce])


def _nonce(signed: str | None, user_id: int) -> str | None:
    try:
        owner, nonce = _serializer().loads(signed or "")
    except (BadSignature, ValueError, TypeError):
        return None
    return nonce if owner == user_id and isinstance(nonce, str) and len(nonce) == 32 else None


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=TOKEN_SALT)


@dataclass(frozen=True)
class Choice:
    """What the shopper posted besides the cart."""
    token: str | None
    fingerprint: str
    address_id: int | None
    slot_id: int | None
    payment: str | None


def place(user_id: int, cart: shopper.Cart, choice: Choice) -> OrderInfo:
    """Place the cart as an order, or raise ``CheckoutRefused`` (what to tell the shopper)
    with nothing written. ``AlreadyPlaced``: this page's order exists; show it."""
    nonce = _nonce(choice.token, user_id)
    if nonce is None:
        raise BadCheckout("This checkout page has expired. Please check your order again.")
    _raise_if_placed(nonce, user_id)
    now = utcnow()
    current = quote(cart, now)
    _check(current, choice, user_id)
    for attempt in range(ATTEMPTS):
        try:
            order, left = _write(user_id, current, choice, nonce, now)
            break
        except CheckoutRefused:
            _raise_if_placed(nonce, user_id)  # a second submit, after the first sold out
            raise
        except IntegrityError:
            db.session.rollback()
            _raise_if_placed(nonce, user_id)  # the same page, submitted twice
        except OperationalError as exc:  # a deadlock: both rolled back, one tries again
            db.session.rollback()
            log.warning("checkout: retrying after %s", exc.orig)
            if attempt == ATTEMPTS - 1:
                raise CheckoutRefused("The shop is very busy. Please try again.") from exc
    else:
        raise CheckoutRefused("The order could not be placed. Please try again.")
    _after_commit(order, cart, current, left)
    return order


def _raise_if_placed(nonce: str, user_id: int) -> None:
    placed = db.session.scalar(select(OrderInfo).where(OrderInfo.checkout_token == nonce))
    if placed is not None:
        if placed.user_id != user_id:
            raise BadCheckout("This checkout page has expired. Please check your order again.")
        raise AlreadyPlaced(placed.order_no)


def _check(current: Quote, choice: Choice, user_id: int) -> None:  # noqa: C901  (one branch per thing the page showed)
    if current.fingerprint != choice.fingerprint:
        seen = _seen_counts(choice.fingerprint)
        for line in current.unavailable:  # a line on the page that ran out meanwhile
            if line.sku_id in seen and line.problem == cart_lines.ABOVE_STOCK:
                raise ShortStock(line.sku_id, line.name, line.stock, line.count)
            if line.sku_id in seen:
                raise CheckoutRefused(f"{line.name} is no longer for sale. Nothing was "
                                      "ordered; please remove it from your cart.")
        if current.lines:
            raise PricesChanged(current)
    if not current.lines:
        raise CheckoutRefused("Your cart has nothing that can be bought just now.")
    if current.totals.below_minimum:
        raise CheckoutRefused(f"The minimum order is ${current.totals.min_order}; add "
                              f"${current.totals.min_order - current.totals.subtotal} more.")
    if addresses.get(user_id, choice.address_id) is None:
        raise CheckoutRefused("Please choose a delivery address.")
    if choice.slot_id is None:
        raise CheckoutRefused("Please choose a delivery slot.")
    if payment.get(choice.payment) is None:
        raise CheckoutRefused("Please choose how to pay.")


def _write(user_id: int, current: Quote, choice: Choice, nonce: str, now: datetime
           ) -> tuple[OrderInfo, dict[int, int]]:
    address = addresses.get(user_id, choice.address_id)
    totals = current.totals
    order = OrderInfo(order_no=numbers.new_order_no(now), user_id=user_id,
                      status=OrderInfo.PLACED, recipient=address.recipient,
                      phone=address.phone, address=address.lines, postcode=address.postcode,
                      slot_id=choice.slot_id, subtotal=totals.subtotal,
                      delivery_fee=totals.delivery_fee, total=totals.total,
                      payment_method=choice.payment, checkout_token=nonce, created_at=now)
    for line in sorted(current.lines, key=lambda x: x.sku_id):
        _take_stock(line)
    if not slots.take(choice.slot_id, now):
        db.session.rollback()
        raise CheckoutRefused("That delivery slot has just filled up (or passed). Please "
                              "choose another one.")
    db.session.add(order)
    db.session.flush()  # the token's unique index: a second submit of this page fails here
    left = _recheck_prices(current, now)
    for line in current.lines:
        order.lines.append(OrderGoods(sku_id=line.sku_id, name=line.name, unit=line.unit,
                                      count=line.count, price=line.unit_price, total=line.total,
                                      created_at=now))
    _record_band_changes(current, left)
    db.session.commit()
    return order, left


def _take_stock(line: QuoteLine) -> None:
    taken = db.session.execute(
        update(GoodsSKU)
        .where(GoodsSKU.id == line.sku_id, GoodsSKU.stock >= line.count,
               GoodsSKU.on_sale)
        # updated_at stays: a sale is not an edit of the page (the band rule says when the
        # page moves), so the sweep, which reads updated_at, leaves the SKU's pages alone
        .values(stock=GoodsSKU.stock - line.count, sales=GoodsSKU.sales + line.count,
                updated_at=GoodsSKU.updated_at)
        .execution_options(synchronize_session=False))
    if taken.rowcount != 1:
        db.session.rollback()  # before reading what is left: the row lock goes too
        left = db.session.scalar(select(GoodsSKU.stock).where(
            GoodsSKU.id == line.sku_id, GoodsSKU.on_sale))
        raise ShortStock(line.sku_id, line.name, max(left or 0, 0), line.count)


def _recheck_prices(current: Quote, now: datetime) -> dict[int, int]:
    """Under the row locks: the prices again (any change rolls back), and the stock each SKU
    has left, for the bands and the header's index."""
    rows = db.session.scalars(
        select(GoodsSKU).where(GoodsSKU.id.in_([x.sku_id for x in current.lines]))
        .execution_options(populate_existing=True)).all()
    by_id = {row.id: row for row in rows}
    again = pricing.price_lines([(by_id[x.sku_id], x.count) for x in current.lines], now)
    if any(again[x.sku_id][1].total != x.total for x in current.lines):
        db.session.rollback()
        raise PricesChanged(None)
    return {row.id: row.stock for row in rows}


def _record_band_changes(current: Quote, left: dict[int, int]) -> None:
    """Only a product page whose stock band moved goes stale (and the search entry of one
    that sold out: "in stock only" filters on it)."""
    moved, sold_out = set(), set()
    for line in current.lines:
        after = left[line.sku_id]
        if bands.band(after) != bands.band(after + line.count):
            moved.add(tag.sku_page(line.sku_id))
            if after <= 0:
                sold_out.add(line.sku_id)
    if moved:
        freshness.record_tags(db.session, moved, sold_out)


def _after_commit(order: OrderInfo, cart: shopper.Cart, current: Quote,
                  left: dict[int, int]) -> None:
    """The order stands whatever fails here: each step logs and moves on."""
    stock.lower(left)
    try:
        shopper.take_bought(cart, {x.sku_id: x.count for x in current.lines})
    except shopper.StoreUnavailable:
        log.error("checkout: order %s placed, but its lines are still in the cart",
                  order.order_no, exc_info=True)
    from storefront.services.orders import mail  # mail queues a task: imported late
    mail.queue(order.id, "placed")
