"""The hot routers are tried first (app.hot_routers), which is safe only while none of their routes can
take a request meant for another router's route."""

from __future__ import annotations

import re

from fastapi.routing import APIRoute

from sync.server.app import _routers, hot_routers


def _sample(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "1", path)


def test_the_hot_routers_come_first() -> None:
    hot = hot_routers()
    assert _routers()[: len(hot)] == hot
    assert {"/v1/sync", "/v1/customers", "/v1/stock", "/v1/admin/products"} == {
        router.prefix for router in hot
    }


def test_no_hot_route_can_take_another_routers_request() -> None:
    hot = hot_routers()
    others = [route for router in _routers() if router not in hot for route in router.routes]
    clashes = [
        (mine.path, theirs.path)
        for router in hot
        for mine in router.routes
        for theirs in others
        if isinstance(mine, APIRoute) and isinstance(theirs, APIRoute) and (mine.methods or set()) & (theirs.methods or set())
        and (mine.path_regex.match(_sample(theirs.path)) or theirs.path_regex.match(_sample(mine.path)))
    ]  # fmt: skip
    assert clashes == []
