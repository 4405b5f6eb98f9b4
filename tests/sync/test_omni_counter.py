"""Omnichannel at the counter, end to end: the web shop's API, a live server, and the Terminal API."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import requests

from posapp.domain.barcodes import make_member_card
from posapp.domain.tender import Tender, TenderKind
from posapp.services import omni, pickups
from posapp.services.interests import online_interests
from posapp.services.link import ServerLink
from tests.services.conftest import MEMBER_NO
from tests.sync.conftest import LiveServer, PairedTerminal, pair_terminal

pytestmark = pytest.mark.integration
NOW = datetime.now(UTC)


class Shop:
    """The web shop: calls the channel API with its key."""

    def __init__(self, server: LiveServer) -> None:
        self.url = server.url
        self.key = server.call("POST", "/v1/admin/channels", json={"name": "webshop"})["api_key"]

    def call(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        headers = {"Authorization": f"Bearer {self.key}"}
        return requests.request(method, self.url + path, headers=headers, timeout=30, **kwargs)


def connected(server: LiveServer, tmp_path: Path) -> PairedTerminal:
    """A paired S001 terminal whose link is up (live look-ups go through it)."""
    paired = pair_terminal(server, tmp_path / "t1")
    paired.terminal.link = ServerLink(paired.agent.client, paired.agent)
    return paired


def pickup_order(order_id: str, store: str) -> dict[str, Any]:
    return {
        "order_id": order_id,
        "customer": {"member_no": MEMBER_NO},
        "ordered_at": NOW.isoformat(),
        "lines": [{"sku": "SKU-TEA", "qty": 3, "unit_price": 151}],
        "fulfilment": {"type": "pickup", "store": store},
    }


def test_pickup_ordered_online_is_collected_at_its_store(server: LiveServer, tmp_path: Path) -> None:
    shop = Shop(server)
    for order_id, store in (("WEB-1", "S001"), ("WEB-2", "S002")):
        assert shop.call("POST", "/v1/channel/orders", json=pickup_order(order_id, store)).status_code == 200
    shop.call("POST", "/v1/channel/orders/WEB-1/pickup", json={"pay_at_store": True})
    counter = connected(server, tmp_path)
    terminal = counter.terminal

    waiting = pickups.pickups_waiting(terminal.counter)
    assert [(p.order_id, p.amount_due, p.status) for p in waiting] == [("WEB-1", 453, "placed")]
    assert waiting[0].lines == (pickups.PickupLine("SKU-TEA", "緑茶 500ml", 3, 453),)
    by_card = pickups.find_pickup(terminal.counter, make_member_card(MEMBER_NO))
    assert [p.order_id for p in by_card] == ["WEB-1"]
    with pytest.raises(pickups.PickupNotFound):
        pickups.find_pickup(terminal.counter, "WEB-2")  # another store's order
    with pytest.raises(pickups.PickupRefused):
        pickups.collect_pickup(terminal.counter, order_id="WEB-1")  # 453 yen is due

    done = pickups.collect_pickup(terminal.counter, order_id="WEB-1", tenders=[Tender(TenderKind.CASH, 500)])
    assert (done.status, done.collected_by) == ("collected", "1001")
    assert pickups.pickups_waiting(terminal.counter) == []
    status = shop.call("GET", "/v1/channel/orders/WEB-1").json()
    assert status["status"] == "collected" and status["collected_at"] is not None

    terminal.link = None
    with pytest.raises(omni.OmniOffline):
        pickups.pickups_waiting(terminal.counter)


def test_browsing_events_show_at_the_counter_with_local_stock(server: LiveServer, tmp_path: Path) -> None:
    server.call("POST", "/v1/admin/products", json=[
        {"sku": "SKU-TEA", "jan": "4901234567801", "name": "緑茶 500ml", "name_kana": "リョクチャ",
         "price": 151, "tax_class": "reduced", "category": "飲料"},
    ])  # fmt: skip
    shop = Shop(server)
    events = [
        {"event_id": "ev-1", "member_no": MEMBER_NO, "sku": "SKU-TEA", "kind": "viewed",
         "at": (NOW - timedelta(hours=5)).isoformat()},
        {"event_id": "ev-2", "member_no": MEMBER_NO, "sku": "SKU-TEA", "kind": "cart_abandoned",
         "at": (NOW - timedelta(hours=4)).isoformat()},
        {"event_id": "ev-3", "member_no": MEMBER_NO, "sku": "SKU-BATTERY", "kind": "wishlist",
         "at": (NOW - timedelta(hours=1)).isoformat()},
    ]  # fmt: skip
    assert shop.call("POST", "/v1/channel/events", json={"events": events}).json()["accepted"] == 3
    counter = connected(server, tmp_path)
    counter.sell("4901234567801", member_no=MEMBER_NO)
    counter.agent.sync_once()

    interests = online_interests(counter.terminal.counter, MEMBER_NO)
    assert interests.live
    assert [(i.sku, i.stock_here) for i in interests.items] == [("SKU-BATTERY", 100), ("SKU-TEA", 99)]
    tea = interests.items[1]
    assert (tea.viewed, tea.cart_abandoned) == (1, 1)
    assert interests.categories == (("飲料", 1),)

    counter.terminal.link = None
    offline = online_interests(counter.terminal.counter, MEMBER_NO)
    assert not offline.live and offline.items == ()


def test_coupon_used_in_a_store_cannot_be_used_online(server: LiveServer, tmp_path: Path) -> None:
    campaign = {
        "name": "来店クーポン",
        "kind": "amount",
        "value": 100,
        "min_spend": 500,
        "valid_from": (NOW - timedelta(days=1)).isoformat(),
        "valid_to": (NOW + timedelta(days=7)).isoformat(),
        "single_use": True,
        "open_code": "VISIT-100",
    }
    server.call("POST", "/v1/admin/coupon-campaigns", json=campaign)
    counter = connected(server, tmp_path)
    terminal = counter.terminal
    sale = terminal.start_sale()
    sale.scan("4901234567801")
    with pytest.raises(omni.CouponRefused):
        omni.apply_coupon(sale, "visit-100")  # 151 yen is below the minimum spend
    sale.scan("4901234567825")
    applied = sale.apply_coupon("visit-100")
    assert applied.discount == 100 and sale.totals.amount_due == 151 + 398 - 100
    shop = Shop(server)
    assert shop.call("GET", "/v1/coupons/VISIT-100").json()["reason"] == "coupon-held"
    sale.add_tender(TenderKind.CASH, sale.totals.amount_due)
    sale.complete()
    counter.agent.sync_once()  # the sale's push redeems the held code

    online = shop.call(
        "POST",
        "/v1/coupons/VISIT-100/redeem",
        json={"redemption_id": "web-1", "order_or_sale_id": "WEB-9", "amount": 100},
    )
    assert online.status_code == 409
    next_sale = terminal.start_sale()
    next_sale.scan("4901234567825")
    next_sale.scan("4901234567832")
    with pytest.raises(omni.CouponUsed):
        omni.apply_coupon(next_sale, "VISIT-100")
    terminal.link = None
    with pytest.raises(omni.CouponOffline):
        omni.apply_coupon(next_sale, "VISIT-100")
