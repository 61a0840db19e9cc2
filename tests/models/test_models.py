"""The rules the models own, spelled once (issue 17: "one spelling of each rule")."""

import re
from pathlib import Path

from sqlalchemy import select

from storefront.models import GoodsSKU

PACKAGE = Path(__file__).resolve().parents[2] / "storefront"


def test_on_sale_says_the_same_in_sql_and_in_python(db, shop):
    """Given SKUs on and off sale, the query and the loaded rows agree on which are for sale."""
    db.session.commit()
    in_sql = set(db.session.scalars(select(GoodsSKU.id).where(GoodsSKU.on_sale)))
    not_in_sql = set(db.session.scalars(select(GoodsSKU.id).where(~GoodsSKU.on_sale)))
    rows = db.session.scalars(select(GoodsSKU)).all()
    assert in_sql == {s.id for s in rows if s.on_sale} == {shop.apples, shop.apples_big,
                                                          shop.prawns}
    assert not_in_sql == {s.id for s in rows if not s.on_sale} == {shop.crate, shop.oysters}


def test_only_the_model_spells_the_on_sale_rule():
    """Reading the column (in SQL or on a row) anywhere but the models is a second spelling of
    the rule; setting it (the admin's bulk action, the seeder) is an edit, not a rule."""
    reads = re.compile(r"is_on_sale\s*(\.is_\(|==|!=|\))|is_on_sale\b(?!\s*=[^=])")
    found = [f"{path.relative_to(PACKAGE)}:{n}: {line.strip()}"
             for path in PACKAGE.rglob("*.py") if path.parent.name != "models"
             for n, line in enumerate(path.read_text().splitlines(), 1)
             if "." + "is_on_sale" in line and reads.search(line)]
    assert found == []
