"""Product bodies; the CSV import uses the same columns as the JSON upsert."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, Field, StringConstraints

from sync.server.products.jan import check_jan
from sync.server.validation import Key, Yen, _no_control_characters

ProductName = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=120),
    AfterValidator(_no_control_characters),
]
Kana = Annotated[
    str, StringConstraints(strip_whitespace=True, max_length=120), AfterValidator(_no_control_characters)
]
Category = Annotated[
    str, StringConstraints(strip_whitespace=True, max_length=60), AfterValidator(_no_control_characters)
]
Jan = Annotated[str, StringConstraints(strip_whitespace=True, max_length=14), AfterValidator(check_jan)]


class ProductIn(BaseModel):
    """One product to create or update, keyed by ``sku``; ``price`` includes tax."""

    sku: Key
    jan: Jan | None = None
    name: ProductName
    name_kana: Kana = ""
    price: Yen
    tax_class: Literal["standard", "reduced"]
    category: Category | None = None
    active: bool = True


class ProductOut(ProductIn):
    """A product as stored."""

    updated_at: datetime


class UpsertResult(BaseModel):
    """How many products were created and updated, and the rows that were refused (then nothing was saved)."""

    created: int
    updated: int
    errors: list[RowError] = Field(default_factory=list)


class RowError(BaseModel):
    """A refused row of an import (``row`` counts data rows from 1; 0 is the header)."""

    row: int
    message: str


UpsertResult.model_rebuild()
ProductList = Annotated[list[ProductIn], Field(min_length=1, max_length=10_000)]


class PriceChangeIn(BaseModel):
    """A new tax-inclusive price from a future day (in the chain's time zone)."""

    price: Yen
    effective_on: date


class PriceChangeOut(BaseModel):
    """A scheduled price change."""

    id: int
    sku: str
    price: int
    effective_on: date
    created_by: str
    applied_at: datetime | None
    cancelled_at: datetime | None
