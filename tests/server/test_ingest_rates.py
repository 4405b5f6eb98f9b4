"""The server's per-rate figures of every sale, return and void (``store_sale_rates``), on both paths."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from sync.server.sales.models import StoreSaleRate
from tests.server.conftest import Api, product
from tests.server.terminal_events import Line, Till, careful_only, results


def rates(api: Api, sale_id: str) -> dict[int, tuple[int, int]]:
    with api.session() as session:
        rows = session.scalars(select(StoreSaleRate).where(StoreSaleRate.sale_id == sale_id))
        return {row.rate: (row.taxable, row.tax) for row in rows}


@pytest.mark.parametrize("path", ["bulk", "careful"])
def test_sales_returns_and_voids_store_the_servers_per_rate_figures(
    api: Api, path: str, monkeypatch: Any
) -> None:
    if path == "careful":
        careful_only(monkeypatch)
    api.products(product("STD", 1_000), product("FOOD", 540, "reduced"))
    device, till = api.device("S001"), Till()
    # ¥1,000 at 10 % and 2 × ¥540 at 8 %, ¥100 off the basket: 8 % takes 100 × 1,080 / 2,080 = 51.9 → 52.
    sale = till.sale(Line("STD", 1_000), Line("FOOD", 540, 2, "reduced"), basket_discount=100)
    other = till.sale(Line("STD", 1_000))
    assert [r["status"] for r in results(api, device, [sale, other])] == ["applied", "applied"]
    sale_id = sale["payload"]["sale_id"]
    assert rates(api, sale_id) == {10: (952, 86), 8: (1_028, 76)}

    returned = till.return_(sale, {"FOOD": 1})
    voided = till.void(other)
    assert [r["status"] for r in results(api, device, [returned, voided])] == ["applied", "applied"]
    assert rates(api, returned["payload"]["return_id"]) == {8: (-540, -40)}
    assert rates(api, voided["payload"]["void_id"]) == {10: (-1_000, -90)}
