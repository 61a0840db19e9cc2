"""Log lines cannot be forged: whatever a client puts in the path, the query or the
User-Agent stays inside one escaped value of one line."""

import json
import logging
import re
from urllib.parse import quote

import pytest

PAIR = re.compile(r'(\w+)=("(?:[^"\\]|\\.)*"|[^\s"]+)')
HOSTILE = 'a\r\nts=2026-01-01 level=INFO method=GET path="/forged"\t\\ "quoted" \x7f\x85 end'


def parse_logfmt(line: str) -> dict[str, str]:
    """key=value pairs; quoted values are JSON strings. The whole line must be pairs."""
    pairs = PAIR.findall(line)
    assert " ".join(f"{k}={v}" for k, v in pairs) == line, f"not clean logfmt: {line!r}"
    return {k: json.loads(v) if v.startswith('"') else v for k, v in pairs}


def request_lines(caplog, send) -> list[str]:
    caplog.clear()
    with caplog.at_level(logging.INFO, logger="storefront.request"):
        send()
    return [r.getMessage() for r in caplog.records if r.name == "storefront.request"]


@pytest.mark.parametrize("backend", ["embedded"])  # nothing here depends on the services
def test_hostile_path_query_and_user_agent_give_one_parsable_line_each(client, caplog):
    path = "/goods/" + HOSTILE  # sent percent-encoded; the app sees it decoded, CR/LF and all
    query = "q=" + HOSTILE
    sends = {
        "path": (lambda: client.get(quote(path, safe="/")), path),
        "query": (lambda: client.get("/search", query_string=query), query),
        "user_agent": (lambda: client.get("/", environ_base={"HTTP_USER_AGENT": HOSTILE}),
                       HOSTILE),
    }
    for field, (send, sent) in sends.items():
        lines = request_lines(caplog, send)
        assert len(lines) == 1, field
        (line,) = lines
        assert not any(ch in line for ch in "\r\n\t\x7f\x85"), f"raw control in {field}"
        assert parse_logfmt(line)[field] == sent, field


def test_an_edit_queues_its_render_without_a_warning_from_the_broker(app, shop, caplog):
    """``make run`` used to log kombu's "No hostname was supplied" at its first save: the
    embedded broker URL named no host."""
    from decimal import Decimal

    from storefront.extensions import db
    from storefront.models import GoodsSKU

    with caplog.at_level(logging.WARNING):
        sku = db.session.get(GoodsSKU, shop.apples)
        sku.price = Decimal("7.25")
        db.session.commit()  # queues the render: the broker is asked for a producer
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING] == []
