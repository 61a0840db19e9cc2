"""Page shells: a page rendered once for nobody, with markers where each visitor's own bits
go (the header's account area and cart count, flash messages, the add-to-cart form with its
CSRF token). The shell is cached beside the page's data; a request fills the few small slots
and never renders the whole page again. The slots are the same templates a normal render
includes (``templates/slots/``), so both ways give the same page.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import current_app, render_template
from jinja2 import pass_context
from jinja2.runtime import Context
from markupsafe import Markup

from storefront import page_cache

MARK = "<!--slot:{}-->"
SLOTS = ("header_user", "flashes", "buy_box")


@pass_context
def slot(ctx: Context, name: str) -> Markup:
    """In a shell, a marker; in a normal render, the slot itself with the page's context."""
    if ctx.get("as_shell"):
        return Markup(MARK.format(name))  # noqa: S704 - a constant marker, no data in it
    template = current_app.jinja_env.get_template(f"slots/{name}.html")
    return Markup(template.render(ctx.get_all()))  # noqa: S704 - autoescaped template output


def render_page(template: str, key: str, build: Callable[[], dict[str, Any] | None],
                slot_data: Callable[[dict[str, Any]], dict[str, Any]] = lambda data: {},
                **visitor: Any) -> str | None:
    """The page at ``key`` for this visitor, from its cached shell; None if ``build`` is.

    ``slot_data`` picks from the page's data what the slots need (kept with the shell);
    ``visitor`` is per-request context for the slots, such as a form.
    """
    shell = page_cache.get_shell(key)
    if shell is None:
        data = build()
        if data is None:
            return None
        html = render_template(template, as_shell=True, **data)
        shell = {"html": html, "slots": [n for n in SLOTS if MARK.format(n) in html],
                 "data": slot_data(data)}
        page_cache.set_shell(key, shell)
    return fill(shell, visitor)


def fill(shell: dict[str, Any], visitor: dict[str, Any]) -> str:
    context = {**shell["data"], **visitor}
    current_app.update_template_context(context)  # current_user, cart count, csrf_token
    html = shell["html"]
    for name in shell["slots"]:
        fragment = current_app.jinja_env.get_template(f"slots/{name}.html").render(context)
        html = html.replace(MARK.format(name), fragment, 1)
    return html
