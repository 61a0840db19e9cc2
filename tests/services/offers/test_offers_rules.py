"""The price rule (services/offers/rules.py): what a shopper pays for a line, whatever the
offers. Examples a shopper can check on a receipt, then properties over generated prices."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from storefront.services.offers import rules, units
from storefront.services.offers.rules import Terms

END = datetime(2026, 12, 6, 23, 59, tzinfo=UTC)


def percent(p: int, id_: int = 1, ends: datetime = END) -> Terms:
    return Terms(id=id_, name=f"{p}% off", kind="percent", ends_at=ends, percent=p)


def fixed(price: str, id_: int = 2) -> Terms:
    return Terms(id=id_, name="fixed", kind="fixed", ends_at=END, fixed_price=Decimal(price))


def multibuy(buy: int, pay: int | None = None, bundle: str | None = None, id_: int = 3) -> Terms:
    return Terms(id=id_, name="multibuy", kind="multibuy", ends_at=END, buy_count=buy,
                 pay_count=pay, bundle_price=Decimal(bundle) if bundle else None)


def test_three_pizzas_for_the_price_of_two_and_the_saving_shown():
    line = rules.line(Decimal("4.00"), 3, [multibuy(3, pay=2)])
    assert (line.normal, line.total, line.saving) == (Decimal("12.00"), Decimal("8.00"),
                                                       Decimal("4.00"))
    assert line.offer.badge == "3 for 2"
    # seven pizzas: two groups of three at the price of two, the seventh at full price
    assert rules.line(Decimal("4.00"), 7, [multibuy(3, pay=2)]).total == Decimal("20.00")
    # two pizzas are not a group: no offer, no saving
    assert rules.line(Decimal("4.00"), 2, [multibuy(3, pay=2)]).offer is None


def test_two_for_five_dollars():
    line = rules.line(Decimal("3.00"), 3, [multibuy(2, bundle="5.00")])
    assert line.total == Decimal("8.00") and line.offer.badge == "2 for $5.00"


def test_percent_off_rounds_half_up_once_per_line():
    assert rules.line(Decimal("9.90"), 1, [percent(30)]).total == Decimal("6.93")
    # 0.05 at half price is 0.025: half-up gives 0.03
    assert rules.line(Decimal("0.05"), 1, [percent(50)]).total == Decimal("0.03")
    # once per line, not per item: 3 x 0.025 = 0.075 -> 0.08 (per item it would be 0.09)
    assert rules.line(Decimal("0.05"), 3, [percent(50)]).total == Decimal("0.08")


def test_the_better_offer_wins_and_a_worse_one_is_no_offer():
    line = rules.line(Decimal("10.00"), 1, [percent(10), fixed("7.50"), percent(20, id_=4)])
    assert line.total == Decimal("7.50") and line.offer.kind == "fixed"
    # a fixed price above the normal price gives nothing: the normal price stands
    assert rules.line(Decimal("5.00"), 1, [fixed("6.00")]).offer is None
    # for one item a multibuy never shows; for three it beats 20 % off
    three = rules.line(Decimal("4.00"), 3, [percent(20), multibuy(3, pay=2)])
    assert three.offer.kind == "multibuy" and three.total == Decimal("8.00")
    assert rules.unit(Decimal("4.00"), [percent(20), multibuy(3, pay=2)]).total == Decimal("3.20")


def test_a_tie_goes_to_the_offer_that_ends_first():
    soon = percent(25, id_=9, ends=END - timedelta(days=1))
    line = rules.line(Decimal("8.00"), 2, [percent(25, id_=1), soon])
    assert line.offer.id == 9


def test_unit_prices_as_shelf_labels_print_them():
    assert units.label(Decimal("9.90"), Decimal("500"), "g") == "$19.80/kg"
    assert units.label(Decimal("2.49"), Decimal("1"), "l") == "$2.49/l"
    assert units.label(Decimal("3.30"), Decimal("6"), "each") == "$0.55 each"
    assert units.label(Decimal("1.99"), Decimal("330"), "ml") == "$6.03/l"
    assert units.label(Decimal("12.00"), Decimal("1"), "each") == ""  # one item: its price
    assert units.label(Decimal("12.00"), None, None) == ""


money = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("999.99"), places=2)
counts = st.integers(min_value=1, max_value=200)
terms = st.one_of(
    st.builds(percent, st.integers(1, 90), st.integers(1, 1000)),
    st.builds(lambda p, i: fixed(str(p), i), money, st.integers(1, 1000)),
    st.builds(lambda b, p, i: multibuy(b, pay=min(p, b - 1), id_=i), st.integers(2, 10),
              st.integers(1, 9), st.integers(1, 1000)),
    st.builds(lambda b, p, i: multibuy(b, bundle=str(p), id_=i), st.integers(2, 10), money,
              st.integers(1, 1000)),
)


@given(money, counts, st.lists(terms, max_size=5))
def test_a_line_is_never_negative_nor_above_its_normal_total(price, count, offers):
    line = rules.line(price, count, offers)
    assert Decimal("0.00") <= line.total <= line.normal == price * count
    assert line.saving >= 0
    assert line.total == line.total.quantize(Decimal("0.01"))


@given(money, counts, st.lists(terms, min_size=1, max_size=5))
def test_the_shopper_gets_the_best_single_offer(price, count, offers):
    line = rules.line(price, count, offers)
    each = [rules.line(price, count, [t]).total for t in offers]
    assert line.total == min(each)
    # one more offer never makes the line dearer, in whatever order they come
    assert rules.line(price, count, list(reversed(offers))).total == line.total
    assert rules.line(price, count, offers[1:]).total >= line.total


@given(money, counts, st.lists(terms, max_size=5))
def test_rounding_is_stable(price, count, offers):
    line = rules.line(price, count, offers)
    assert rules.cents(line.total) == line.total
    assert rules.line(price, count, offers) == line
    # the price of one item is the line rule with a count of one, multibuys aside
    assert rules.unit(price, offers).total == rules.line(
        price, 1, [t for t in offers if not t.is_multibuy]).total


def test_ends_is_said_as_a_shopper_reads_it(app):
    from storefront.services.offers.pages import ends_label

    friday = datetime(2026, 12, 4, 10, 0, tzinfo=UTC)  # a Friday
    monday_midnight = datetime(2026, 12, 7, 0, 0, tzinfo=UTC)
    assert ends_label(monday_midnight, friday) == "Ends Sunday"
    assert ends_label(datetime(2026, 12, 4, 23, 0, tzinfo=UTC), friday) == "Ends today"
    assert ends_label(datetime(2026, 12, 5, 12, 0, tzinfo=UTC), friday) == "Ends tomorrow"
    assert ends_label(datetime(2026, 12, 24, 12, 0, tzinfo=UTC), friday) == "Ends 24 Dec"
    app.config["SHOP_TIMEZONE"] = "America/New_York"  # Sunday 19:00 there
    assert ends_label(monday_midnight, friday) == "Ends Sunday"
