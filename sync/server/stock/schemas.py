"""Bodies for stock moves and levels."""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator, BaseModel, StringConstraints

from sync.protocol.live import StockLevel, StockLevels
from sync.server.validation import Code, Delta, Key, _no_control_characters


class MoveIn(BaseModel):
    """An HQ stock movement at ``location`` (a store code or ``ONLINE``)."""

    location: Code
    sku: Key
    delta: Delta
    reason: Annotated[
        str,
        StringConstraints(strip_whitespace=True, min_length=1, max_length=100),
        AfterValidator(_no_control_characters),
    ]


class MoveOut(BaseModel):
    """The level after the move; ``negative`` flags a level below zero."""

    location: str
    sku: str
    quantity: int
    negative: bool


LevelOut = StockLevel
"""A location's level of a product (the live contract in ``sync.protocol.live``)."""
StockOut = StockLevels
"""A product's level at every location."""
