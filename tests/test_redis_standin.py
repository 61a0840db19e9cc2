"""`make run` keeps what a shopper did: on the embedded defaults (no Redis server), carts,
histories and anonymous carts made in one process are there in the next one on the same
instance folder, whether the first one stopped (Ctrl-C) or was killed."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from storefront import create_app
from storefront.extensions import db
from tests.conftest import CHEAP_ARGON2
from tests.helpers import header_cart_count, text

ROOT = Path(__file__).resolve().parent.parent

# The first run of the shop: a shopper signs in, fills a cart and opens a product; a visitor
# fills an anonymous cart. Prints their cookies, then stops as ``how`` says.
FIRST_RUN = """
import base64, json, os, signal, sys, time
from storefront import create_app
from storefront.extensions import db
from storefront.services.accounts import users as accounts
from tests import factories
from tests.conftest import csrf_token, sign_in

config, how = json.loads(sys.argv[1]), sys.argv[2]
app = create_app(config)
with app.app_context():
    db.create_all()
    shop = factories.small_shop()
    accounts.create_user("alice", "alice@example.com", "correct horse battery")
same_site = {"Sec-Fetch-Site": "same-origin"}
alice, visitor = app.test_client(), app.test_client()
assert sign_in(alice, password="correct horse battery").status_code == 302
alice.post("/cart/add", data={"sku_id": shop.prawns, "count": 2,
                              "csrf_token": csrf_token(alice, "/cart")}, headers=same_site)
alice.get(f"/goods/{shop.apples}")
assert visitor.post("/cart/add", data={"sku_id": shop.apples, "count": 3},
                    headers=same_site).status_code == 302
print(json.dumps({"alice": alice.get_cookie("session").value,
                  "visitor": visitor.get_cookie("sf_cart").value,
                  "prawns": shop.prawns, "apples": shop.apples}), flush=True)
if how == "killed":  # no exit handler runs: what is on disk is what the writer wrote
    def saved_keys():
        path = config["REDIS_SNAPSHOT_PATH"]
        if not os.path.exists(path):
            return []
        return [base64.b64decode(key) for key, _, _ in json.load(open(path))]
    deadline = time.monotonic() + 30
    while not any(key.startswith(b"cart_anon") for key in saved_keys()):
        if time.monotonic() > deadline:
            os._exit(3)  # no snapshot written: fail without the exit handler's save
        time.sleep(0.05)
    os.kill(os.getpid(), signal.SIGKILL)
"""


def embedded_config(instance: Path, every: float) -> dict:
    return {
        "TESTING": True,
        "SECRET_KEY": "standin-test",
        **CHEAP_ARGON2,
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{instance / 'storefront.sqlite'}",
        "MEDIA_ROOT": str(instance / "media"),
        "STATIC_PAGES_DIR": str(instance / "static_pages"),
        "SEARCH_INDEX_DIR": str(instance / "search"),
        "MAIL_FILE_PATH": str(instance),
        "REDIS_SNAPSHOT_PATH": str(instance / "redis-standin.snapshot"),
        "REDIS_SNAPSHOT_SECONDS": every,
    }


@pytest.mark.parametrize(("how", "every"), [("stopped", 3600.0), ("killed", 0.2)])
def test_carts_and_history_survive_a_restart(tmp_path, how, every):
    (tmp_path / "instance").mkdir()
    config = embedded_config(tmp_path / "instance", every)
    first = subprocess.run(
        [sys.executable, "-c", FIRST_RUN, json.dumps(config), how],
        check=False,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert first.returncode == (-9 if how == "killed" else 0), first.stderr[-3000:]
    seen = json.loads(first.stdout.strip().splitlines()[-1])

    app = create_app(config)  # the shop started again, in this process
    alice, visitor = app.test_client(), app.test_client()
    alice.set_cookie("session", seen["alice"])
    visitor.set_cookie("sf_cart", seen["visitor"])
    cart = alice.get("/cart")
    assert "Tiger prawns" in text(cart) and header_cart_count(cart) == 2
    assert f'href="/goods/{seen["apples"]}"' in text(alice.get("/users/profile"))  # viewed
    cart = visitor.get("/cart")
    assert "Fuji apples 500g" in text(cart) and header_cart_count(cart) == 3
    with app.app_context():
        db.engine.dispose()


def test_the_snapshot_lives_in_the_instance_folder_except_under_testing(tmp_path):
    config = {**embedded_config(tmp_path, 0.2), "REDIS_SNAPSHOT_PATH": None}
    assert create_app(config).config["REDIS_SNAPSHOT_PATH"] == ""  # TESTING
    # make run: no TESTING, nothing set (the test suite sets it empty for itself: conftest)
    app = create_app({**config, "TESTING": False, "REDIS_SNAPSHOT_SECONDS": 0})
    assert app.config["REDIS_SNAPSHOT_PATH"] == f"{app.instance_path}/redis-standin.snapshot"
    off = create_app({**config, "REDIS_SNAPSHOT_PATH": ""})
    assert off.extensions["redis_snapshots"] is None
