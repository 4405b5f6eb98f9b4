"""The hot routers are tried first (app.hot_routers), which is safe only while none of their routes can
take a request meant for another router's route."""

from __future__ import annotations

import re

from fastapi import Response
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


HOT = {
    ("POST", "/v1/sync/push"), ("GET", "/v1/sync/pull"), ("GET", "/v1/customers"),
    ("GET", "/v1/customers/{customer_id}"), ("GET", "/v1/stock/{sku}"), ("GET", "/v1/admin/products/{sku}"),
}  # fmt: skip


def test_the_hot_requests_solve_one_dependency_and_serialise_their_answer_once() -> None:
    routes = {
        (method, route.path): route
        for router in hot_routers()
        for route in router.routes
        if isinstance(route, APIRoute)
        for method in route.methods or ()
    }
    for key in HOT:
        route = routes[key]
        # The caller, the database and the settings in one (deps.AuthorisedBy), not two or three
        assert [dependency.call.__class__.__name__ for dependency in route.dependant.dependencies] == [
            "AuthorisedBy"
        ], key
        # A Response is not validated again against the response_model (answers.json_answer)
        assert route.endpoint.__annotations__["return"] in ("Response", Response), key
        assert route.response_model is not None, key  # still documented


def test_a_product_look_up_is_the_second_route_of_its_router() -> None:
    products = next(router for router in hot_routers() if router.prefix == "/v1/admin/products")
    gets = [
        route.path
        for route in products.routes
        if isinstance(route, APIRoute) and "GET" in (route.methods or ())
    ]
    assert (
        [route.path for route in products.routes[:2]]
        == gets
        == [  # type: ignore[attr-defined]
            "/v1/admin/products/price-changes",
            "/v1/admin/products/{sku}",
        ]
    )
