"""Points can never be spent twice: 50 redemptions from stores and the web shop race for 10 slots."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

import pytest

from sync.server.points import service as points_service
from tests.server.conftest import Api, product


@pytest.mark.pg
@pytest.mark.integration
@pytest.mark.parametrize("api", [pytest.param("pg", marks=pytest.mark.pg)], indirect=True)
def test_fifty_concurrent_redemptions_exactly_ten_succeed(api: Api) -> None:
    api.products(product("TEN", 10, "reduced"))
    customer = api.customer(email="race@example.jp")
    api.give_points(customer["id"], 100)
    devices = [api.device("S001"), api.device("S002")]
    channel = api.channel

    def redeem(number: int) -> int:
        if number % 2:
            body = {"customer_id": customer["id"], "points": 10, "idempotency_key": f"race-{number}"}
            return api.client.post(
                "/v1/points/holds", json=body, headers=devices[number % 4 // 2]
            ).status_code
        order = {
            "order_id": f"RACE-{number}",
            "customer": {"email": "race@example.jp"},
            "ordered_at": datetime.now(UTC).isoformat(),
            "lines": [{"sku": "TEN", "qty": 1, "unit_price": 10}],
            "points_used": 10,
            "fulfilment": {"type": "ship"},
        }
        return api.client.post("/v1/channel/orders", json=order, headers=channel).status_code

    with ThreadPoolExecutor(max_workers=50) as pool:
        statuses = list(pool.map(redeem, range(50)))
    assert set(statuses) <= {200, 201, 409}
    assert sum(status in (200, 201) for status in statuses) == 10
    assert statuses.count(409) == 40
    with api.session() as session:
        assert points_service.balance(session, customer_id=customer["id"]) == 0
        assert points_service.ledger_sum(session, customer_id=customer["id"]) == 0
