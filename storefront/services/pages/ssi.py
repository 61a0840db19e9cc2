"""The edge's includes: how a shared page leaves room for each visitor's own parts.

A page is rendered once for everybody. Where a visitor's own bits go (name, cart count,
CSRF token, flash messages) it holds nginx SSI directives that read ``$sf_*`` variables;
nginx fills them from one call to the fragment endpoint (deploy/nginx.conf). ``expand``
does the same in Python for the three directives the templates write (``_edge.html``), so a
page served without nginx (``make run``), and the anonymous copy written to disk, come out
exactly as nginx would make them. ``if`` blocks do not nest.

Values are HTML already (escaped, ASCII, one line: they travel in HTTP headers), so both
nginx and ``expand`` insert them as they are (``encoding="none"``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping

_IF = re.compile(r'<!--# if expr="\$(sf_\w+)" -->(.*?)<!--# else -->(.*?)<!--# endif -->',
                 re.DOTALL)
_ECHO = re.compile(r'<!--# echo var="(sf_\w+)" encoding="none" -->')

NOBODY: Mapping[str, str] = {}


def expand(html: str, values: Mapping[str, str]) -> str:
    """``html`` with every directive replaced as nginx's SSI module would, given ``values``
    (``sf_user`` and the like; missing means empty)."""
    if "<!--#" not in html:
        return html
    html = _IF.sub(lambda m: m[2] if values.get(m[1]) else m[3], html)
    return _ECHO.sub(lambda m: values.get(m[1], ""), html)
