"""Property-based fuzzing of every route (issue 10, class 3): whatever a visitor or a staff
member sends, the answer is never a 5xx, and a 4xx changes nothing.

Routes come from ``app.url_map``, so a route added later is fuzzed without touching this
file. Each route group (the shop, then each kind of Flask-Admin view) gets one app and one
shop per backend; Hypothesis sends generated paths, query strings, form and JSON bodies as
an anonymous visitor, a shopper and staff, with and without a valid CSRF token. After any
request that did change the database (a save that is allowed), the tables go back to the
baseline, so every example starts from the same shop. File serving (/static, /media,
/admin/static) is fuzzed too: it is where path traversal would show.
"""

from __future__ import annotations

import json
import re
from urllib.parse import quote, urlencode

import pytest
from flask import Flask
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select
from werkzeug.routing import Rule

from storefront.extensions import db, redis_store
from tests.conftest import csrf_token, sign_in

FUZZ_ADDRESS = "198.51.100.7"  # fuzzed sign-ins are throttled here, not where tests sign in
ADMIN_KINDS = ("index_view", "create_view", "edit_view", "details_view", "delete_view",
               "action_view", "ajax_lookup", "ajax_update", "export")
PARAM = re.compile(r"<(?:(\w+)(?:\([^)]*\))?:)?(\w+)>")

NASTY = ["1", "2", "3", "4", "0", "-1", "²", "١٢", "１", "߁", "9" * 25, str(2**31), str(2**63),
         "1.5", "1e400", "NaN", "Infinity", "true", "null", "..", "../../etc/passwd",
         "%2e%2e%2f", "%00", "%ff", "%", "a b", "<script>x</script>", "'", '"', "\\", "\r\n",
         "//evil.example", "javascript:alert(1)", "/list/1", "csv", "xls", "default", "hot",
         "price", "-price", "sales", "relevance", "take_off_sale", "delete", "ű🍊", "*", "AND",
         "title:x", '"unclosed', "ｆｕｊｉ", "🍓" * 50, ""]
TEXT = st.text(st.characters(exclude_categories=["Cs"]), max_size=24)
VALUE = st.one_of(st.sampled_from(NASTY), TEXT,
                  st.integers(-(2**70), 2**70).map(str))
QUERY_KEYS = ["page", "sort", "q", "next", "id", "url", "category", "search", "desc",
              "page_size", "flt0_0", "flt1_3", "name", "query", "export_type", "sku_id",
              "min_price", "max_price", "in_stock"]
FORM_KEYS = ["sku_id", "count", "username", "email", "password", "confirm", "name", "title",
             "price", "stock", "sales", "unit", "index", "display_type", "category", "goods",
             "sku", "url", "target_url", "order_no", "status", "user", "order", "comment",
             "is_on_sale", "list_form_pk", "id", "rowid", "action", "new_password", "logo",
             "detail", "image", "default_image",
             # checkout, orders and the address book
             "token", "quote", "address_id", "slot_id", "payment", "line_id", "rating",
             "recipient", "phone", "lines", "postcode", "make_default", "starts_at",
             "capacity"]
JSON = st.recursive(st.none() | st.booleans() | st.integers(-(2**80), 2**80) | st.floats()
                    | TEXT, lambda inner: st.lists(inner, max_size=3)
                    | st.dictionaries(TEXT, inner, max_size=3), max_leaves=6)
FIELDS = st.dictionaries(st.sampled_from(FORM_KEYS) | TEXT, VALUE | st.lists(VALUE, max_size=3),
                         max_size=6)
BODY = st.one_of(st.none(), st.tuples(st.just("form"), FIELDS),
                 st.tuples(st.just("json"), JSON | st.dictionaries(st.sampled_from(FORM_KEYS),
                                                                  JSON, max_size=4)),
                 st.tuples(st.just("raw"), st.binary(max_size=64)))


def segment(converter: str | None) -> st.SearchStrategy[str]:
    """A path segment, percent-encoded as a browser would (a '%' is left raw on purpose)."""
    one = VALUE.map(lambda v: quote(v, safe="%"))
    if converter == "path":
        return st.lists(one, min_size=1, max_size=3).map("/".join)
    return one


def path_for(rule: Rule) -> st.SearchStrategy[str]:
    parts = PARAM.split(rule.rule)  # text, converter, name, text, converter, name, ...
    pieces = [st.just(parts[0])]
    for i in range(1, len(parts), 3):
        pieces += [segment(parts[i]), st.just(parts[i + 2])]
    return st.tuples(*pieces).map("".join)


def route_groups(app: Flask) -> dict[str, list[Rule]]:
    groups: dict[str, list[Rule]] = {"shop": [], "admin-other": []}
    for rule in app.url_map.iter_rules():
        kind = rule.endpoint.rpartition(".")[2]
        if not rule.rule.startswith("/admin"):
            groups["shop"].append(rule)
        elif kind in ADMIN_KINDS:
            groups.setdefault(f"admin-{kind}", []).append(rule)
        else:
            groups["admin-other"].append(rule)
    return groups


GROUPS = ["shop", "admin-other", *(f"admin-{k}" for k in ADMIN_KINDS)]
EXAMPLES = {"shop": 200}  # the admin groups: 50 each; ten views share one ModelView's code


class World:
    """The app's state that a refused request must leave alone, and a way back to it."""

    def __init__(self, app: Flask, users: dict) -> None:
        self.app, self.users = app, users
        self.tables = db.metadata.sorted_tables
        self.baseline = self.database()

    def database(self) -> list[list]:
        with db.engine.connect() as conn:  # a new transaction: what others committed
            return [conn.execute(select(t).order_by(*t.primary_key.columns)).all()
                    for t in self.tables]

    def changed_tables(self) -> list[str]:
        return [t.name for t, now, then in zip(self.tables, self.database(), self.baseline,
                                               strict=True) if now != then]

    def shoppers_redis(self) -> list:
        prefix = self.app.config["REDIS_KEY_PREFIX"]
        client = redis_store.client
        anonymous = sorted(client.scan_iter(match=f"{prefix}cart_anon_*"))
        with client.pipeline(transaction=False) as pipe:
            for user_id in self.users.values():
                pipe.hgetall(f"{prefix}cart_{user_id}")
                pipe.lrange(f"{prefix}history_{user_id}", 0, -1)
            for key in anonymous:
                pipe.hgetall(key)
            return [anonymous, *pipe.execute()]

    def restore(self) -> None:
        with db.engine.begin() as conn:
            for table in reversed(self.tables):
                conn.execute(table.delete())
            for table, rows in zip(self.tables, self.baseline, strict=True):
                if rows:
                    conn.execute(table.insert(), [row._asdict() for row in rows])


class Visitors:
    """Three browsers, each with its CSRF token: anonymous, a shopper and staff."""

    def __init__(self, app: Flask, users: dict) -> None:
        self.app, self.users = app, users
        self.clients: dict = {}
        self.tokens: dict[str, str] = {}
        for name in ("anonymous", *users):
            self.restore(name)

    def restore(self, name: str) -> None:
        """A new browser (no cookie of a session a fuzzed request changed), signed in."""
        client = self.clients[name] = self.app.test_client()
        if name != "anonymous":
            assert sign_in(client, name).status_code == 302, f"{name} cannot sign in"
        self.tokens[name] = csrf_token(client, "/users/login" if name == "anonymous"
                                       else "/users/profile")

    def check(self, name: str) -> None:
        """Sign back in (and get a new token) if a fuzzed request signed out or cleared the
        session: a logout with a valid token, a sign-up, a sign-in as someone else."""
        with self.clients[name].session_transaction() as session:
            user_id, token = session.get("_user_id"), session.get("csrf_token")
        expected = None if name == "anonymous" else str(self.users[name])
        if user_id != expected or token is None:
            self.restore(name)


def send(visitors: Visitors, who: str, method: str, path: str, query: dict, body, token: bool):
    headers, kwargs = {}, {}
    if token:  # an honest browser: a form of our own pages (so anonymous cart posts pass)
        headers.update({"X-CSRFToken": visitors.tokens[who], "Sec-Fetch-Site": "same-origin"})
    if body is not None:
        kind, data = body
        if kind == "form":
            kwargs["data"] = {**data, **({"csrf_token": visitors.tokens[who]} if token else {})}
        elif kind == "json":
            kwargs.update(data=json.dumps(data), content_type="application/json")
        else:
            kwargs.update(data=data, content_type="application/octet-stream")
    return visitors.clients[who].open(
        path, method=method, query_string=urlencode(query, doseq=True), headers=headers,
        environ_base={"REMOTE_ADDR": FUZZ_ADDRESS}, **kwargs)


FILES = ("/static/", "/media/", "/admin/static/")


def assert_one_caching_rule(response, who: str, path: str, sent: str) -> None:
    """Issue 21, class 4: whatever sets a cookie or is a signed-in visitor's is private and
    never stored; everything says what it may be cached for; no cookie is set twice."""
    cookies = response.headers.getlist("Set-Cookie")
    names = [c.partition("=")[0] for c in cookies]
    assert len(names) == len(set(names)), f"a cookie set twice for {sent}: {cookies}"
    rule = response.headers.get("Cache-Control")
    assert rule, f"no Cache-Control for {sent}"
    if cookies or (who != "anonymous" and not path.startswith(FILES)):
        assert rule == "private, no-store", f"{rule!r} for {sent} (cookies: {cookies})"


@pytest.mark.parametrize("group", GROUPS)
def test_no_input_gives_a_5xx_or_a_change_when_refused(backend, app, client, shop, user, staff,
                                                       group):
    # ``client`` makes app.test_client() a ShopperClient: a context of its own per request
    users = {"alice": user.id, "sam": staff.id}
    world, visitors = World(app, users), Visitors(app, users)
    rules = route_groups(app)[group]
    assert rules, f"no routes in {group}"
    who = st.sampled_from(["anonymous", "alice"] if group == "shop" else ["sam"] * 3 + ["alice"])
    if group == "shop":
        who = who | st.just("sam")
    request = st.sampled_from(rules).flatmap(lambda rule: st.tuples(
        who, st.sampled_from(sorted(rule.methods - {"HEAD", "OPTIONS"}) + ["GET", "POST"]),
        path_for(rule), st.dictionaries(st.sampled_from(QUERY_KEYS) | TEXT, VALUE, max_size=4),
        BODY, st.booleans()))

    def attempt(args: tuple) -> None:
        who, method, path, query, body, token = args
        before = world.shoppers_redis()
        response = send(visitors, who, method, path, query, body, token)
        status, sent = response.status_code, f"{who} {method} {path}?{urlencode(query)}"
        assert status < 500, f"{status} for {sent}: {response.get_data(as_text=True)[:300]}"
        assert_one_caching_rule(response, who, path, sent)
        changed = world.changed_tables()
        if 400 <= status < 500:
            assert not changed, f"{status} for {sent} changed {changed}"
            assert world.shoppers_redis() == before, f"{status} for {sent} changed a cart"
        if changed:
            world.restore()
        visitors.check(who)

    # every route once for sure, with the inputs that broke things before (issue 10)
    for rule in rules:
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            path = PARAM.sub("²", rule.rule)
            attempt(("sam" if group != "shop" else "alice", method, path,
                     {"id": "²", "page": "-1", "url": "//evil.example"},
                     ("form", {"count": "١٢", "sku_id": "²", "price": "inf"}), True))

    settings(max_examples=EXAMPLES.get(group, 50), deadline=None, database=None,
             suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])(
        given(request)(attempt))()


def test_a_valid_password_reset_link_takes_no_bad_input(backend, app, client, user):
    """The reset route with a token that works (the generated ones never do): whatever the
    form says, no 5xx, and a 4xx sets no password and ends no session."""
    from storefront.services.accounts import reset

    world, visitors = World(app, {"alice": user.id}), Visitors(app, {"alice": user.id})
    link = f"/users/reset-password/{reset.make_token(user)}"
    pair = st.fixed_dictionaries({"password": VALUE, "confirm": VALUE},
                                 optional={"csrf_token": VALUE})
    same = VALUE.map(lambda v: {"password": v, "confirm": v})  # a new password, maybe valid
    bodies = st.one_of(BODY, (pair | same).map(lambda data: ("form", data)))

    @settings(max_examples=60, deadline=None, database=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
    @given(st.sampled_from(["anonymous", "alice"]), st.sampled_from(["GET", "POST"]), bodies,
           st.booleans())
    def attempt(who: str, method: str, body, token: bool) -> None:
        response = send(visitors, who, method, link, {}, body, token)
        status, sent = response.status_code, f"{who} {method} {body}"
        assert status < 500, f"{status} for {sent}: {response.get_data(as_text=True)[:300]}"
        changed = world.changed_tables()
        if 400 <= status < 500:
            assert not changed, f"{status} for {sent} changed {changed}"
        if changed:
            world.restore()
        visitors.check(who)

    attempt()
