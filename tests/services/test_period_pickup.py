"""Cash taken at the counter for a pay-at-store online order is in the drawer figures (X, Z, day).

The order goes through the web shop's API on a live server; the hand-over through the Terminal API.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
import requests

from posapp.devices.render import render_receipt
from posapp.devices.reports import closing_document
from posapp.domain.tender import Tender, TenderKind
from posapp.services import pickups
from posapp.services.link import ServerLink
from posapp.services.receipts import terminal_header
from tests.server.conftest import pg_migrated  # noqa: F401 - the live server fixture needs it
from tests.services.conftest import MANAGER, MEMBER_NO
from tests.sync.conftest import LiveServer, pair_terminal, server  # noqa: F401 - the live server fixture

pytestmark = pytest.mark.integration


def order_for_pickup(server: LiveServer, order_id: str) -> None:  # noqa: F811
    key = server.call("POST", "/v1/admin/channels", json={"name": f"shop-{order_id}"})["api_key"]
    headers = {"Authorization": f"Bearer {key}"}
    order = {
        "order_id": order_id,
        "customer": {"member_no": MEMBER_NO},
        "ordered_at": datetime.now(UTC).isoformat(),
        "lines": [{"sku": "SKU-TEA", "qty": 3, "unit_price": 151}],
        "fulfilment": {"type": "pickup", "store": "S001"},
    }
    for path, body in (
        ("/v1/channel/orders", order),
        (f"/v1/channel/orders/{order_id}/pickup", {"pay_at_store": True}),
    ):
        response = requests.post(server.url + path, json=body, headers=headers, timeout=30)
        assert response.ok, response.text


def test_pickup_cash_is_expected_in_the_drawer(server: LiveServer, tmp_path: Path) -> None:  # noqa: F811
    order_for_pickup(server, "WEB-77")
    paired = pair_terminal(server, tmp_path / "t1")
    terminal = paired.terminal
    terminal.link = ServerLink(paired.agent.client, paired.agent)
    before = terminal.x_report().figures.expected_cash

    pickups.collect_pickup(
        terminal.counter, order_id="WEB-77", tenders=[Tender(TenderKind.CASH, 500)]
    )  # ¥47 change
    pickups.collect_pickup(
        terminal.counter, order_id="WEB-77", tenders=[Tender(TenderKind.CASH, 500)]
    )  # repeated: no more

    x = terminal.x_report().figures
    assert x.pickup_cash == 453 and x.expected_cash == before + 453
    assert x.net_sales == 0 and x.customers == 0  # the web shop's sale, not this register's
    day = terminal.day_report()
    assert day.pickup_cash == 453 and day.drawer_cash == 453 and day.net_sales == 0
    approval = terminal.approve(code=MANAGER[0], pin=MANAGER[1], action="z")
    z = terminal.z_report(counts={100: 4, 50: 1, 1: 3}, next_float=0, approval=approval)
    assert z.reconciliation is not None and z.reconciliation.over_short == 0  # not "over" by ¥453
    printed = closing_document(
        header=terminal_header(terminal.counter, "Z-000001", z.at),
        figures=z.figures,
        reconciliation=z.reconciliation,
        closing_no=z.closing_no,
    )
    lines = [line.text for line in render_receipt(printed, width=42)]
    assert any("店舗受取 代金" in line and "¥453" in line for line in lines)
