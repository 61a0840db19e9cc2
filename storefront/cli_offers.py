"""`flask offers add|list|end` (SPEC.md, "Ops and developers"): staff's offers from a shell.

Every rule is ``services/offers/manage.py``'s, the admin's too; bad input ends with one
plain line and exit status 1, never a traceback.
"""

from __future__ import annotations

import click
from sqlalchemy import select

from storefront.extensions import db
from storefront.models import Offer
from storefront.services.offers import manage
from storefront.services.offers.prices import terms_of


@click.group("offers")
def offers_group() -> None:
    """Price offers: percent off, fixed price, multibuy."""


@offers_group.command("add")
@click.option("--name", required=True, help='What shoppers see, e.g. "Fruit festival".')
@click.option("--percent", type=int, help="Percent off, 1 to 90.")
@click.option("--fixed-price", help="A price per item, below the normal price, e.g. 4.99.")
@click.option("--multibuy", help="3for2 (buy 3, pay for 2) or 2for5.00 (2 for $5.00).")
@click.option("--category", "category_id", type=int, help="Every SKU of this category.")
@click.option("--goods", "goods_id", type=int, help="Every spec of this product.")
@click.option("--sku", "sku_ids", type=int, multiple=True, help="This SKU (repeatable).")
@click.option("--starts", required=True, help="ISO date-time; without a zone, SHOP_TIMEZONE.")
@click.option("--ends", required=True, help="ISO date-time; without a zone, SHOP_TIMEZONE.")
@click.option("--promotion", "promotion_id", type=int,
              help="The homepage promotion banner that advertises it.")
def add_command(**given) -> None:
    """Add an offer; prints its id."""
    try:
        offer = manage.create(given.pop("name"), starts=given.pop("starts"),
                              ends=given.pop("ends"), **given)
    except manage.OfferError as exc:
        db.session.rollback()
        raise click.ClickException(str(exc)) from exc
    click.echo(offer.id)


@offers_group.command("list")
def list_command() -> None:
    """Every offer, newest first, its times in SHOP_TIMEZONE."""
    zone = manage.zone()
    for offer in db.session.scalars(select(Offer).order_by(Offer.id.desc())):
        badge = terms_of(offer).badge
        click.echo(f"{offer.id}\t{offer.name}\t{badge}\t{manage.describe_target(offer)}\t"
                   f"{offer.starts_at.astimezone(zone):%Y-%m-%d %H:%M %Z} -> "
                   f"{offer.ends_at.astimezone(zone):%Y-%m-%d %H:%M %Z}\t{manage.status(offer)}")


@offers_group.command("end")
@click.argument("offer_id", type=int)
def end_command(offer_id: int) -> None:
    """End an offer now: its SKUs go back to their normal prices."""
    try:
        manage.end(offer_id)
    except manage.OfferError as exc:
        db.session.rollback()
        raise click.ClickException(str(exc)) from exc
    click.echo(f"offer {offer_id} ended")
