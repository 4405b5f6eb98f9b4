"""The load simulator's sales: every sale it rings up is one the terminal could send."""

from __future__ import annotations

import random

from bench.load_sim.sales import CatalogItem, Member, build_sale


def test_points_on_a_cheap_sale_leave_something_to_tender() -> None:
    # A ¥10 item and a member spending up to 50 points: the shared builder refuses a ¥0 tender, which
    # stopped a 300-terminal load run in its first minute.
    catalog = [CatalogItem(f"SKU{i}", "駄菓子", 10, "reduced") for i in range(5)]
    members = [Member("M0001", "タナカハナコ", 1000)]
    sales = [
        build_sale(random.Random(seed), catalog=catalog, members=members, receipt_no=f"R{seed}",
                   member_share=1.0, points_share=1.0)
        for seed in range(200)
    ]  # fmt: skip
    assert all(sale.total >= 1 and sale.payments for sale in sales)
    assert sum(sale.points_used > 0 for sale in sales) == len(sales)
