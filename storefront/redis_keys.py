"""Every Redis key the shop writes, named in one place (CTFd keeps its cache clearings in one
module for the same reason: a newcomer finds all of them here, and two modules cannot spell
one key two ways).

Two prefixes, both from config so tests and benches can share one Redis:
- ``REDIS_KEY_PREFIX``, before what must not be lost (carts, histories, the buyable index,
  the cached user rows, throttles, the page layer's change log and render queue);
- ``CACHE_KEY_PREFIX``, before what may be evicted (the page cache: its entries, tag sets,
  locks and invalidation log).
SPEC fixes ``cart_<user_id>`` and ``history_<user_id>``. Celery's queue (``CELERY_QUEUE``) and
Flask-Caching's own prefixing are the libraries' business, not named here.
"""

from __future__ import annotations

from flask import current_app


def _data(name: str) -> str:
    return f"{current_app.config['REDIS_KEY_PREFIX']}{name}"


def data_glob(pattern: str) -> str:
    """A SCAN pattern over data keys: the prefix is matched literally, ``pattern`` is not."""
    prefix = current_app.config["REDIS_KEY_PREFIX"]
    return "".join(f"\\{c}" if c in "*?[]\\" else c for c in prefix) + pattern


# -- the cart and the history (services/cart) -------------------------------------------------

def cart(user_id: int) -> str:
    """A signed-in shopper's cart: a hash of SKU id -> count (SPEC)."""
    return _data(f"cart_{user_id}")


def visitor_cart(token: str) -> str:
    """An anonymous visitor's cart, keyed by the random token in their cookie."""
    return _data(f"cart_anon_{token}")


CARTS = "cart_*"  # every cart, a shopper's or a visitor's (with data_glob)


def history(user_id: int) -> str:
    """A signed-in shopper's recently viewed SKU ids, newest first (SPEC)."""
    return _data(f"history_{user_id}")


def merged_cart(token: str) -> str:
    """Set by the merge: the anonymous cart of ``token`` is closed (a late add is refused)."""
    return _data(f"cart_merged_{token}")


def sku_carts(sku_id: int | str) -> str:
    """The set of cart keys given a line of this SKU: what deleting the SKU reads instead of
    scanning every key (cart/forget.py)."""
    return _data(f"sku_carts_{sku_id}")


HISTORIES = "history_*"


def buyable() -> str:
    """The index of on-sale SKUs' stock that the header counts carts by (cart/stock.py)."""
    return _data("buyable")


def buyable_version() -> str:
    """Bumped by every catalogue commit: a rebuild that read before it does not write."""
    return _data("buyable_version")


# -- accounts ---------------------------------------------------------------------------------

def cached_user(user_id: int) -> str:
    """The signed-in user's row as JSON, with the session version (accounts/users.py)."""
    return _data(f"user_{user_id}")


def login_by_account(canonical_username: str) -> str:
    return _data(f"login:account:{canonical_username}")


def login_by_address(address: str | None) -> str:
    return _data(f"login:address:{address}")


def signup_by_address(address: str | None) -> str:
    return _data(f"signup:address:{address}")


def reset_by_email(canonical_email: str) -> str:
    """Forgotten-password mails asked for one email, account or not (accounts/reset.py)."""
    return _data(f"reset:email:{canonical_email}")


def reset_by_address(address: str | None) -> str:
    return _data(f"reset:address:{address}")


def new_cart_by_address(address: str | None) -> str:
    """New anonymous carts made from one client address (accounts/throttle.py)."""
    return _data(f"new-cart:address:{address}")


def acknowledged() -> str:
    """A counter written only so that WAIT has a write of its own connection to count."""
    return _data("acknowledged")


# -- the page layer's freshness (services/pages/freshness.py) ---------------------------------

def page_changes() -> str:
    """The log every node reads: ``<time>|<page key>`` scored by time (shared by all nodes)."""
    return _data("pages:changes")


def page_renders(name: str) -> str:
    """This node's render queue: ``pending``, ``queued``, ``rendering:<task id>``,
    ``missing:<page key>`` (a page served without its file, queued once); its search
    updates: ``search:pending``, ``search:queued``, ``search:updating:<task id>``; its stock
    builds: ``stock:queued`` (services/pages/renders.py)."""
    node = current_app.config["NODE_NAME"]
    return _data(f"pages:{node + ':' if node else ''}{name}")


# -- the page cache (services/pages/cache.py) -------------------------------------------------

def page_entry(page_key: str) -> str:
    """A rendered page in Flask-Caching, which puts ``CACHE_KEY_PREFIX`` in front itself."""
    return f"page:{page_key}"


def page_cache(name: str) -> str:
    """The cache's bookkeeping: ``gen``, ``invalidations``, ``tag:<tag>``, ``lock:<page>``."""
    return f"{current_app.config['CACHE_KEY_PREFIX']}pages:{name}"
