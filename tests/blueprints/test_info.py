"""The footer's links lead to real pages of the shop, and the profile lays out an account."""

import re

import pytest

from tests.conftest import sign_in
from tests.helpers import text

FOOTER_PAGES = {"/about": "About us", "/delivery": "Delivery",
                "/freshness": "Freshness promise"}


def footer_links(page: str) -> list[str]:
    footer = page[page.index('<footer class="site-footer">'):]
    return re.findall(r'<a[^>]*href="([^"]+)"', footer)


@pytest.mark.parametrize("path,title", FOOTER_PAGES.items())
def test_every_footer_link_opens_a_page_of_its_own(client, shop, path, title):
    links = footer_links(text(client.get("/")))
    assert path in links
    assert all(link.startswith(("/", "mailto:")) and "#" not in link for link in links)
    page = client.get(path)
    assert page.status_code == 200
    assert f"<h1 class=\"section-title\">{title}</h1>" in text(page)
    assert f'<span aria-current="page">{title}</span>' in text(page)  # the breadcrumb


def test_the_profile_shows_the_whole_email_and_breaks_it_only_between_parts(client, shop):
    from storefront.services.accounts import users as accounts

    accounts.create_user("mei", "mei.lin@a-rather-long-domain.example", "fresh-fruit-2026")
    assert sign_in(client, "mei", "fresh-fruit-2026").status_code == 302
    page = text(client.get("/users/profile"))
    assert ('<p class="profile-email">mei.lin@<wbr>a-rather-long-domain.<wbr>example</p>'
            in page)
    assert "You haven't looked at any products yet." in page
    assert "0 items" in page and "Change password" in page
