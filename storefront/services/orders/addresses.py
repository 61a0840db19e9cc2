"""A shopper's address book. Every function takes the owner's id and never reaches another
shopper's address: an id that is not theirs is "not found"."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select, update

from storefront.extensions import db
from storefront.models import Address

MAX_ADDRESSES = 20  # bounds what one account can store


class TooMany(Exception):
    pass


@dataclass(frozen=True)
class AddressFields:
    recipient: str
    phone: str
    lines: str
    postcode: str


def book(user_id: int) -> list[Address]:
    """The default first, then the newest."""
    return list(db.session.scalars(
        select(Address).where(Address.user_id == user_id)
        .order_by(Address.is_default.desc(), Address.id.desc())))


def get(user_id: int, address_id: int | None) -> Address | None:
    if address_id is None:
        return None
    address = db.session.get(Address, address_id)
    return address if address is not None and address.user_id == user_id else None


def default(user_id: int) -> Address | None:
    found = book(user_id)
    return found[0] if found else None


def add(user_id: int, fields: AddressFields, make_default: bool = False) -> Address:
    existing = book(user_id)
    if len(existing) >= MAX_ADDRESSES:
        raise TooMany
    address = Address(user_id=user_id, recipient=fields.recipient, phone=fields.phone,
                      lines=fields.lines, postcode=fields.postcode, is_default=False)
    db.session.add(address)
    db.session.flush()
    if make_default or not existing:  # a first address is the default
        _make_default(user_id, address)
    db.session.commit()
    return address


def edit(address: Address, fields: AddressFields) -> None:
    address.recipient, address.phone = fields.recipient, fields.phone
    address.lines, address.postcode = fields.lines, fields.postcode
    db.session.commit()


def delete(address: Address) -> None:
    user_id, was_default = address.user_id, address.is_default
    db.session.delete(address)
    db.session.flush()
    if was_default:  # the next one takes its place, so checkout still offers a default
        nxt = db.session.scalar(select(Address).where(Address.user_id == user_id)
                                .order_by(Address.id.desc()).limit(1))
        if nxt is not None:
            nxt.is_default = True
    db.session.commit()


def choose_default(address: Address) -> None:
    _make_default(address.user_id, address)
    db.session.commit()


def _make_default(user_id: int, address: Address) -> None:
    db.session.execute(update(Address).where(Address.user_id == user_id, Address.id != address.id)
                       .values(is_default=False).execution_options(synchronize_session=False))
    address.is_default = True
