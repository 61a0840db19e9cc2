"""SQL per page is fixed: it does not grow with the catalogue (no N+1).

Counts are for an anonymous visitor; a signed-in one adds none: their row comes from the
user cache in Redis (services/accounts/users.py), filled at sign-in.
"""

import pytest

from storefront.services.cart import stock
from tests.conftest import count_queries, sign_in
from tests.factories import many_categories

# Each page adds one query for the offers of all the SKUs it shows (services/offers/pages.py,
# one for the whole page, not one per tile). A list sorted by price orders the category by
# the price shoppers pay now: two more (the category's prices, their offers).
HOMEPAGE, DETAIL, LIST, LIST_BY_PRICE = 5, 6, 4, 6


def queries_for(client, path):
    with count_queries() as statements:
        response = client.get(path)
    assert response.status_code == 200
    return len(statements)


@pytest.mark.parametrize("categories", [6, 60])
def test_homepage_queries_do_not_grow_with_categories(client, categories):
    many_categories(categories)
    assert queries_for(client, "/") == HOMEPAGE


@pytest.mark.parametrize("categories", [6, 60])
def test_detail_and_list_queries_are_fixed(client, categories):
    first = many_categories(categories, skus_per_category=4, reviews=3)
    assert queries_for(client, f"/goods/{first[0]}") == DETAIL
    assert queries_for(client, "/list/1?sort=price") == LIST_BY_PRICE
    assert queries_for(client, "/list/1?sort=sales") == LIST


def test_signed_in_visitor_adds_no_query(client, user):
    ids = many_categories(6)
    # what every catalogue commit and the worker's sweep keep built: the index of what can
    # be bought, that the header counts the cart by (services/cart/stock.py)
    stock.rebuild()
    sign_in(client)
    assert queries_for(client, "/") == HOMEPAGE
    assert queries_for(client, f"/goods/{ids[0]}") == DETAIL
    assert queries_for(client, "/list/1") == LIST
