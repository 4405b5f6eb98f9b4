"""An authenticated read costs one threadpool hop: the caller, the kind check and the session's
bookkeeping run on the event loop, the database work in one thread (bench/REQUESTS.md). On PostgreSQL
the product and stock look-ups, the customer search and profile, and the idle pull take none: their one statement runs on the event loop
(db/loop_reads.py).

Before: the session's open and close, the caller, the kind check, the endpoint and FastAPI's check of
its answer were a hop each (six for an admin product read), each one a wait for a free thread.
"""

from __future__ import annotations

from tests.server.conftest import Api, product
from tests.server.terminal_events import Line, Till

ON_THE_LOOP_ON_PG = {
    "/v1/admin/products/A1",
    "/v1/stock/A1",
    "/v1/sync/pull?cursor=",
    "/v1/customers?q=",
    "/v1/customers/",
}


def test_warm_authenticated_reads_take_one_hop(api: Api, hops: list[str]) -> None:
    api.products(product("A1", 138, "reduced"))
    device = api.device()
    member = api.customer(member_no="10000001")
    cursor = api.client.get("/v1/sync/pull", headers=device).json()["cursor"]
    reads = [
        ("/v1/admin/products/A1", api.admin),
        ("/v1/stock/A1", device),
        (f"/v1/customers/{member['id']}", device),
        ("/v1/customers?q=10000001", device),
        (f"/v1/sync/pull?cursor={cursor}", device),
        ("/healthz", {}),
    ]
    for path, headers in reads:
        hops.clear()
        answer = api.client.get(path, headers=headers)
        assert answer.status_code == 200, (path, answer.text)
        on_loop = api.backend == "pg" and any(path.startswith(p) for p in ON_THE_LOOP_ON_PG)
        assert len(hops) == (0 if on_loop else 1), (path, hops)


def test_a_single_sale_push_takes_one_hop(api: Api, hops: list[str]) -> None:
    api.products(product("A1", 138, "reduced"))
    device = api.device()
    assert api.client.get("/v1/sync/dead-letters", headers=device).status_code == 200  # caller now known
    sale = Till().sale(Line("A1", 138, tax_class="reduced"))
    body = {"protocol_version": 1, "terminal_code": "01", "events": [sale]}
    hops.clear()
    answer = api.client.post(
        "/v1/sync/push", headers=device, json=body
    )  # plain JSON: gzip inflates on a thread
    assert answer.status_code == 200 and answer.json()["results"][0]["status"] == "applied", answer.text
    assert len(hops) == 1, hops
