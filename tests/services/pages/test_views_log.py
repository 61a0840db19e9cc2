"""nginx's log of product views into the histories (services/pages/views_log.py): only a
token the shop signed, of a session still valid, counts; a line nginx is still writing
waits; a rotated log is read from its start."""

from __future__ import annotations

from storefront.services.accounts import users as accounts
from storefront.services.cart import shopper
from storefront.services.pages import views_log


def line(page: str, token: str) -> str:
    return f"1733300000.123 {page} {token}\n"


def test_views_count_for_valid_sessions_only(app, user, shop, tmp_path):
    log = tmp_path / "views.log"
    log.write_text("1733299999.000 /goods/1 old-line-before-the-reader-started\n")
    position = views_log.Position()
    assert views_log.read_new(str(log), position) == 0  # it starts at the end
    token = views_log.seen_token(accounts.session_user(user).get_id())
    forged = views_log.seen_token("999:0")[:-2] + "xx"
    with log.open("a") as out:
        out.write(line(f"/goods/{shop.prawns}", token))
        out.write(line(f"/goods/{shop.apples}", forged))  # not signed by the shop
        out.write(line("/list/1", token))  # not a product page
        out.write(f"1733300000.5 /goods/{shop.oysters} {token}")  # still being written
    assert views_log.read_new(str(log), position) == 1
    assert shopper.history_ids(user.id) == [shop.prawns]
    with log.open("a") as out:
        out.write("\n")
    assert views_log.read_new(str(log), position) == 1
    assert shopper.history_ids(user.id) == [shop.oysters, shop.prawns]

    accounts.end_sessions([user.id])  # signed out everywhere: the old token counts no more
    with log.open("a") as out:
        out.write(line(f"/goods/{shop.apples}", token))
    assert views_log.read_new(str(log), position) == 0
    assert shopper.history_ids(user.id) == [shop.oysters, shop.prawns]


def test_a_rotated_log_is_read_from_its_start(app, user, shop, tmp_path):
    log = tmp_path / "views.log"
    position = views_log.Position()
    assert views_log.read_new(str(log), position) == 0  # not there yet
    token = views_log.seen_token(accounts.session_user(user).get_id())
    log.write_text(line(f"/goods/{shop.apples}", token))
    assert views_log.read_new(str(log), position) == 1  # appeared: from its start
    log.rename(tmp_path / "views.log.1")
    log.write_text(line(f"/goods/{shop.prawns}", token))
    assert views_log.read_new(str(log), position) == 1
    assert shopper.history_ids(user.id) == [shop.prawns, shop.apples]
