"""Stock: HQ moves, device look-ups across locations."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Response

from sync.server.answers import json_answer
from sync.server.deps import AdminDep, DeviceOrAdminDb, SessionDep
from sync.server.problems import PROBLEM_RESPONSES
from sync.server.stock import service
from sync.server.stock.schemas import LevelOut, MoveIn, MoveOut, StockOut

router = APIRouter(prefix="/v1/stock", tags=["device"], responses=PROBLEM_RESPONSES)
admin_router = APIRouter(prefix="/v1/admin/stock", tags=["admin"], responses=PROBLEM_RESPONSES)


@admin_router.post("", response_model=MoveOut, status_code=201)
def move_stock(body: MoveIn, session: SessionDep, admin: AdminDep) -> MoveOut:
    """Receive, count or write off stock at a location."""
    movement = service.move(
        session, location=body.location, sku=body.sku, delta=body.delta, reason=body.reason
    )
    session.commit()
    return MoveOut(
        location=body.location, sku=body.sku, quantity=movement.quantity_after, negative=movement.negative
    )


@router.get("/{sku}", response_model=StockOut)
async def get_stock(
    sku: Annotated[str, Path(min_length=1, max_length=64)], auth: DeviceOrAdminDb
) -> Response:
    """The level of a product at every location with the time of its last change."""
    levels = service.levels_from(sku, await auth.db.fetch_all(service.LEVELS, sku=sku))
    return json_answer(
        StockOut(
            sku=sku,
            levels=tuple(
                LevelOut(location=level.location, quantity=level.quantity, updated_at=level.updated_at)
                for level in levels
            ),
        )
    )
