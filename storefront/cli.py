"""The `flask` commands of SPEC.md: seed-demo, create-admin, render-index, warm-pages,
search-reindex; and for `make run`, demo-staff and set-password."""

from __future__ import annotations

import secrets
import time

import click
from flask import Flask
from flask_wtf import FlaskForm
from sqlalchemy import func, select

from storefront.cli_offers import offers_group
from storefront.extensions import db
from storefront.identity import canonical
from storefront.models import GoodsSKU, User
from storefront.services.accounts import users as accounts
from storefront.services.pages import files as page_files
from storefront.services.pages import freshness
from storefront.services.pages import render as pages
from storefront.services.pages import sweep as page_sweep
from storefront.services.search import index as search_index


def init_app(app: Flask) -> None:
    app.cli.add_command(seed_demo_command)
    app.cli.add_command(create_admin_command)
    app.cli.add_command(demo_staff_command)
    app.cli.add_command(set_password_command)
    app.cli.add_command(render_index_command)
    app.cli.add_command(warm_pages_command)
    app.cli.add_command(search_reindex_command)
    app.cli.add_command(catch_up_pages_command)
    app.cli.add_command(slots_group)
    app.cli.add_command(offers_group)


@click.command("seed-demo")
@click.option("--categories", "n_categories", type=click.IntRange(1, 10_000), default=None,
              help="Generate this many categories instead of the hand-written demo.")
@click.option("--skus-per-category", type=click.IntRange(1, 100_000), default=None,
              help="SKUs per generated category (with --categories).")
def seed_demo_command(n_categories: int | None, skus_per_category: int | None) -> None:
    """Fill the catalogue with demo data and images. Running it again changes nothing."""
    from storefront import demo

    # bulk inserts name no single object: after the seed's commit, every page is stale
    freshness.record_everything(db.session)
    created = demo.seed(n_categories, skus_per_category)
    click.echo(f"Demo catalogue ready ({created}).")


@click.command("create-admin")
@click.option("--username", prompt=True)
@click.option("--email", prompt=True)
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
def create_admin_command(username: str, email: str, password: str) -> None:
    """Create a staff account that can sign in to /admin (the sign-up rules apply)."""
    username, email = _sign_up_rules(username, email, password)
    try:
        accounts.create_user(username, email, password, is_staff=True)
    except accounts.AccountTaken as exc:
        raise click.ClickException(f"{username!r} or {email!r} is already registered") from exc
    click.echo(f"Staff account {username!r} created.")


DEMO_STAFF, DEMO_STAFF_EMAIL = "staff", "staff@storefront.example"


@click.command("demo-staff")
def demo_staff_command() -> None:
    """A staff account for the demo's /admin, its password made up now and shown once."""
    account = db.session.scalar(select(User).where(User.username_canonical == DEMO_STAFF))
    if account is not None:
        click.echo(f"The demo staff account {DEMO_STAFF!r} exists (its password was shown when "
                   f"it was made). A new one: flask --app storefront set-password --username "
                   f"{DEMO_STAFF}")
        return
    password = secrets.token_urlsafe(12)  # never fixed in the code: each shop its own
    accounts.create_user(DEMO_STAFF, DEMO_STAFF_EMAIL, password, is_staff=True)
    click.echo(f"Staff sign-in for /admin/: username {DEMO_STAFF!r}, password {password!r} "
               "(shown this once; keep it)")


@click.command("set-password")
@click.option("--username", prompt=True)
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
def set_password_command(username: str, password: str) -> None:
    """A new password for an account (the sign-up rules apply); its sessions end."""
    account = db.session.scalar(select(User).where(User.username_canonical
                                                   == canonical(username)))
    if account is None:
        raise click.ClickException(f"no account is called {username!r}")
    _form_rules("NewPasswordForm", {"password": password, "confirm": password})
    accounts.change_password(account.id, password)
    click.echo(f"New password set for {account.username!r}; its sessions were ended.")


def _sign_up_rules(username: str, email: str, password: str) -> tuple[str, str]:
    """The sign-up form's own checks (one spelling of the rules): the name and email as
    sign-up would keep them, or a ClickException naming every field that is wrong."""
    form = _form_rules("RegisterForm", {"username": username, "email": email,
                                        "password": password, "confirm": password})
    return form.username.data, form.email.data


def _form_rules(name: str, fields: dict[str, str]) -> FlaskForm:
    """The users form ``name`` filled with ``fields`` and valid, or a ClickException naming
    every field that is wrong."""
    from flask import current_app
    from werkzeug.datastructures import MultiDict

    from storefront.blueprints.users import forms

    with current_app.test_request_context():  # WTForms wants a request to bind to
        form = getattr(forms, name)(formdata=MultiDict(fields), meta={"csrf": False})
        if form.validate():
            return form
        problems = [f"--{field}: {errors[0]}" for field, errors in form.errors.items()]
    raise click.ClickException("; ".join(problems))


@click.command("render-index")
def render_index_command() -> None:
    """Write the static homepage now, without a worker."""
    pages.publish(pages.HOME)
    click.echo(f"Static homepage written to {page_files.path_of(pages.HOME)}")


@click.command("catch-up-pages")
def catch_up_pages_command() -> None:
    """Before a web node serves (several nodes): remove the files of the pages that changed
    while it was away (all of them on its first start); its worker writes them again."""
    if freshness.catch_up(before_serving=True):
        click.echo(f"stale page files in {page_files.folder()} removed; the worker writes them")
    else:
        click.echo("page files up to date")


@click.command("warm-pages")
def warm_pages_command() -> None:
    """Write every catalogue page's files now, without a worker (after a deploy); then the
    sweep's note that they are fresh (services/pages/sweep.py)."""
    started = time.time()
    written = sum(pages.publish(key) for key in pages.catalogue_keys())
    page_sweep.settled(started)
    click.echo(f"{written} pages written to {page_files.folder()}")


@click.command("search-reindex")
def search_reindex_command() -> None:
    """Rebuild this node's search index from the database (safe while the shop serves)."""
    total = db.session.scalar(select(func.count()).select_from(GoodsSKU)
                              .where(GoodsSKU.on_sale))
    with click.progressbar(length=total, label="Indexing on-sale SKUs") as bar:
        indexed = search_index.reindex(progress=bar.update)
    click.echo(f"{indexed} SKUs indexed in {search_index.directory()}")


@click.group("slots")
def slots_group() -> None:
    """Delivery slots."""


@slots_group.command("generate")
@click.option("--days", type=click.IntRange(1, 60), default=7, show_default=True,
              help="Create the one-hour slots of this many days ahead.")
def generate_slots_command(days: int) -> None:
    """Create the delivery slots ahead; those that exist are kept (idempotent)."""
    from storefront.services.orders import slots

    created = slots.generate(days)
    click.echo(f"{created} delivery slots created for the next {days} days.")
