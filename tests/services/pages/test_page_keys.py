"""A page key's formats (services/pages/keys.py), and nginx's maps that spell them again in
regexes (deploy/nginx.conf): sample keys go through the real config, so the two cannot drift."""

from __future__ import annotations

import http.client
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from storefront.services.pages.keys import LIST_SORTS, PageKey
from tests import servers

SAMPLES = [PageKey.home(), PageKey.detail(1), PageKey.detail(9_999_999_999),
           *(PageKey.category_list(c, sort, n) for c in (1, 42) for sort in LIST_SORTS
             for n in (1, 2, 10, 999_999))]


@pytest.mark.parametrize("key", SAMPLES, ids=str)
def test_every_spelling_of_a_key_leads_back_to_it(key):
    assert PageKey.parse(str(key)) == key
    assert PageKey.from_stem(key.stem) == key


def test_the_formats():
    page = PageKey.category_list(3, "price", 2)
    assert (str(page), page.url, page.stem) == ("list:3:price:2", "/list/3?sort=price&page=2",
                                                "list/3/price-2")
    assert PageKey.category_list(3).url == "/list/3"  # the defaults are left out
    assert PageKey.category_list(3, page=4).url == "/list/3?page=4"
    assert (str(PageKey.detail(5)), PageKey.detail(5).url) == ("goods:5", "/goods/5")
    assert (PageKey.home().url, PageKey.home().stem) == ("/", "index")


@pytest.mark.parametrize("text", ["", "home:1", "goods", "goods:0", "goods:-1", "goods:01",
                                  "goods:1.5", "goods:١", "list:1:price", "list:1:cheap:1",
                                  "list:1:price:0", "search:abc"])
def test_anything_else_is_not_a_key(text):
    with pytest.raises(ValueError):
        PageKey.parse(text)


@pytest.mark.parametrize("stem", ["index/x", "goods/x", "goods/0", "list/1/price", "list/1/x-1",
                                  "list/1/price-0", "list/a/price-1", "other/1"])
def test_a_stray_file_is_no_page(stem):
    assert PageKey.from_stem(stem) is None


@pytest.fixture(scope="module")
def nginx(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[int, Path]]:
    """deploy/nginx.conf, with each sample's file written where its key says, and no app
    behind it (so a miss is a 502, never a page)."""
    if servers.nginx_binary() is None:
        pytest.skip("nginx is not installed")
    workdir = tmp_path_factory.mktemp("page_keys")
    pages = workdir / "static_pages"
    for key in SAMPLES:
        path = pages / f"{key.stem}.html"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(str(key))
    (workdir / "static").mkdir()
    (workdir / "media").mkdir()
    proc, port = servers.start_nginx(workdir, {
        "UPSTREAM": f"{servers.HOST}:{servers.free_port()}",
        "STATIC_PAGES_DIR": str(pages), "STATIC_DIR": str(workdir / "static"),
        "MEDIA_ROOT": str(workdir / "media")})
    try:
        yield port, pages
    finally:
        proc.stop()
        shutil.rmtree(workdir, ignore_errors=True)


def get(port: int, path: str) -> tuple[int, str, str]:
    conn = http.client.HTTPConnection(servers.HOST, port, timeout=5)
    try:
        conn.request("GET", path)
        reply = conn.getresponse()
        return reply.status, reply.read().decode(), reply.getheader("Surrogate-Key", "")
    finally:
        conn.close()


def test_nginx_maps_each_canonical_address_to_its_keys_file(nginx):
    """For every sample: the address nginx is given finds the file the worker writes, and
    the Surrogate-Key names the page as the app's tags do (``page:<key>``)."""
    port, _ = nginx
    for key in SAMPLES:
        status, body, surrogate = get(port, key.url)
        assert (status, body) == (200, str(key)), key.url
        assert surrogate.split()[0] == f"page:{key}", key.url


@pytest.mark.parametrize("spelling", ["/list/1?page=1", "/list/1?sort=default",
                                      "/list/1?page=2&sort=price", "/list/1?sort=price&page=1",
                                      "/list/1?sort=cheap", "/goods/01", "/list/01"])
def test_other_spellings_of_a_page_go_to_the_app(nginx, spelling):
    port, _ = nginx
    assert get(port, spelling)[0] == 502  # the app (which is not there), never a file
