"""Stock per location: HQ moves, levels with their time, negative levels flagged."""

from __future__ import annotations

from tests.server.conftest import Api, product


def test_moves_and_levels(api: Api) -> None:
    api.store("S001")
    api.products(product("A1", 100))
    moved = api.client.post(
        "/v1/admin/stock",
        json={"location": "S001", "sku": "A1", "delta": 5, "reason": "入荷"},
        headers=api.admin,
    )
    assert moved.status_code == 201 and moved.json() == {
        "location": "S001",
        "sku": "A1",
        "quantity": 5,
        "negative": False,
    }
    api.client.post(
        "/v1/admin/stock",
        json={"location": "ONLINE", "sku": "A1", "delta": 2, "reason": "入荷"},
        headers=api.admin,
    )
    down = api.client.post(
        "/v1/admin/stock",
        json={"location": "S001", "sku": "A1", "delta": -7, "reason": "棚卸"},
        headers=api.admin,
    )
    assert down.json()["quantity"] == -2 and down.json()["negative"] is True
    levels = api.client.get("/v1/stock/A1", headers=api.device("S001")).json()["levels"]
    assert [(level["location"], level["quantity"]) for level in levels] == [("S001", -2), ("ONLINE", 2)]
    assert all(level["updated_at"] for level in levels)


def test_stock_refusals(api: Api) -> None:
    api.products(product("A1", 100))
    body = {"location": "S001", "sku": "A1", "delta": 1, "reason": "x"}
    assert api.client.post("/v1/admin/stock", json=body, headers=api.admin).status_code == 404
    assert (
        api.client.post(
            "/v1/admin/stock", json=body | {"location": "ONLINE", "sku": "B"}, headers=api.admin
        ).status_code
        == 404
    )
    assert (
        api.client.post("/v1/admin/stock", json=body | {"delta": 10**9}, headers=api.admin).status_code == 422
    )
    assert api.client.post("/v1/admin/stock", json=body, headers=api.device()).status_code == 403
    assert api.client.get("/v1/stock/NOPE", headers=api.device()).status_code == 404
    assert api.client.get("/v1/stock/A1", headers=api.channel).status_code == 403
