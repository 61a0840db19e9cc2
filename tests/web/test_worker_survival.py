"""No single request kills a web worker (issue 21, class 1): generated parameters to every
route, sent to a real gunicorn, and afterwards the same worker processes are serving.

A worker that dies in native code (tantivy reserving memory for a search's skipped results
was the case that was found) takes every request on its threads with it, and gunicorn
quietly starts another: the pid is what shows it. Every number that sizes work must be
bounded before it reaches an engine, the database or Redis.
"""

from __future__ import annotations

import http.client
import os
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlencode

import pytest
from flask import Flask
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from storefront.services.search import index as search_index
from tests import servers
from tests.conftest import PASSWORD, csrf_token
from tests.web.test_fuzz import PARAM, QUERY_KEYS, VALUE, path_for

pytestmark = pytest.mark.parametrize("backend", ["services"], indirect=True)

HUGE = ["2147483647", "2147483646", "99999999", "1000000", str(2**31 + 1), "9" * 12]
SIZING_KEYS = ["page", "page_size", "per_page", "limit", "offset", "count", "n"]


def workers(master: int) -> set[int]:
    """The pids of a gunicorn master's workers (its child processes)."""
    found = set()
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rpartition(")")[2].split()[1]) == master:
                found.add(int(entry.name))
    return found


class Gunicorn:
    def __init__(self, process: servers.Process, port: int) -> None:
        self.process, self.port = process, port

    def send(self, method: str, path: str, cookie: str = "", body: bytes | None = None) -> int:
        conn = http.client.HTTPConnection(servers.HOST, self.port, timeout=30)
        headers = {"Cookie": cookie} if cookie else {}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            conn.request(method, path, body=body, headers=headers)
            return conn.getresponse().status
        except http.client.RemoteDisconnected:
            return 599  # the worker died under the request
        finally:
            conn.close()


@pytest.fixture
def gunicorn(app: Flask, app_config: dict, shop, tmp_path: Path) -> Iterator[Gunicorn]:
    search_index.reindex()  # search must reach the engine, as in production
    env = servers.app_environment(app_config, FLASK_CELERY_TASK_ALWAYS_EAGER="true")
    process, port = servers.start_gunicorn(env, tmp_path / "servers", workers=2)
    try:
        yield Gunicorn(process, port)
    finally:
        process.stop()


def signed_in_cookie(app: Flask, username: str) -> str:
    client = app.test_client()
    token = csrf_token(client)
    reply = client.post("/users/login", data={"username": username, "password": PASSWORD,
                                              "csrf_token": token})
    assert reply.status_code == 302
    return "; ".join(f"{c.key}={c.value}" for c in client._cookies.values())


def test_no_request_restarts_a_worker(app, client, gunicorn, user, staff, shop):
    # ``client`` makes app.test_client() a ShopperClient: a context of its own per request
    master = gunicorn.process.popen.pid
    before = workers(master)
    assert len(before) == 2, before
    cookies = {"anonymous": "", "shopper": signed_in_cookie(app, "alice"),
               "staff": signed_in_cookie(app, "sam")}
    rules = [r for r in app.url_map.iter_rules() if not r.rule.startswith("/_fragments")]

    # the numbers that sized work before, on every route that takes a page or a count
    for rule in rules:
        path = PARAM.sub("1", rule.rule)
        for value in HUGE:
            query = urlencode({k: value for k in SIZING_KEYS} | {"q": "apples"})
            for who, cookie in cookies.items():
                status = gunicorn.send("GET", f"{path}?{query}", cookie)
                assert status < 500, f"{status} for {who} GET {path}?{query}"
    assert gunicorn.send("GET", "/search?q=apples&page=2147483647") == 404

    request = st.sampled_from(rules).flatmap(lambda rule: st.tuples(
        st.sampled_from(sorted(rule.methods - {"HEAD", "OPTIONS"})), path_for(rule),
        st.dictionaries(st.sampled_from(QUERY_KEYS + SIZING_KEYS), VALUE | st.sampled_from(HUGE),
                        max_size=4),
        st.sampled_from(sorted(cookies))))

    @settings(max_examples=int(os.environ.get("SURVIVAL_EXAMPLES", "150")), deadline=None,
              database=None, suppress_health_check=list(HealthCheck))
    @given(request)
    def attempt(args: tuple) -> None:
        method, path, query, who = args
        body = urlencode(query).encode() if method == "POST" else None
        status = gunicorn.send(method, f"{path}?{urlencode(query)}", cookies[who], body)
        assert status < 500, f"{status} for {who} {method} {path}?{urlencode(query)}"

    attempt()
    assert gunicorn.process.running
    assert workers(master) == before, f"a worker was restarted:\n{gunicorn.process.log()}"
