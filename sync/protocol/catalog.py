"""The catalog rows of the change feed (products, stock), and a fast reader for pages of them.

``ProductPayload`` and ``StockPayload`` are the contract: what the server puts in a change's
``payload`` for ``entity == "product"`` and ``"stock"``. A first download reads a million of them;
building a pydantic object per row costs more than storing it, so terminals read pages with
``read_pull_page``: the page parsed by pydantic-core's JSON parser, the envelope validated by
``PullReply``'s own fields, and each catalog row checked by ``product_row`` / ``stock_row``, plain
functions that refuse exactly what the models refuse (``tests/protocol/test_catalog_rows.py`` pins
them to the models with generated rows) and return the tuple the terminal stores.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated, Any, Literal

import pydantic_core
from pydantic import AfterValidator, AwareDatetime, BaseModel, ConfigDict, Field, ValidationError

from posapp.domain.money import MAX_AMOUNT
from sync.protocol import PROTOCOL_VERSION

_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff]")
MAX_STOCK = 10**9


def _printable(value: str) -> str:
    if _CONTROL.search(value):
        raise ValueError("control characters are not allowed")
    return value


def _digits(value: str) -> str:
    if value and not (value.isascii() and value.isdigit()):
        raise ValueError("only digits are allowed")
    return value


Sku = Annotated[str, Field(strict=True, min_length=1, max_length=64), AfterValidator(_printable)]
Jan = Annotated[str, Field(strict=True, max_length=14), AfterValidator(_digits)]
ItemCode = Annotated[str, Field(strict=True, max_length=10), AfterValidator(_digits)]
Name = Annotated[str, Field(strict=True, min_length=1, max_length=200), AfterValidator(_printable)]
Kana = Annotated[str, Field(strict=True, max_length=200), AfterValidator(_printable)]
Category = Annotated[str, Field(strict=True, max_length=60), AfterValidator(_printable)]
Location = Annotated[str, Field(strict=True, min_length=1, max_length=20), AfterValidator(_printable)]
Price = Annotated[int, Field(strict=True, ge=0, le=MAX_AMOUNT)]
StockQuantity = Annotated[int, Field(strict=True, ge=-MAX_STOCK, le=MAX_STOCK)]
Flag = Annotated[bool, Field(strict=True)]


class ProductPayload(BaseModel):
    """A product as the feed carries it; an empty ``jan`` or ``item_code`` means none."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    sku: Sku
    jan: Jan | None = None
    item_code: ItemCode | None = None
    name: Name
    name_kana: Kana = ""
    price: Price
    tax_class: Literal["standard", "reduced"]
    category: Category | None = None
    active: Flag = True

    def row(self, version: int) -> ProductRow:
        """The tuple the terminal stores (column order of ``PRODUCT_COLUMNS``)."""
        return (self.sku, self.jan or None, self.item_code or None, self.name, self.name_kana, self.price,
                self.tax_class, self.category or None, self.active, version)  # fmt: skip


class StockPayload(BaseModel):
    """This store's stock of one SKU after a movement."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    location: Location
    sku: Sku
    quantity: StockQuantity
    updated_at: AwareDatetime | None = None

    def row(self, version: int) -> StockRow:
        """The tuple the terminal stores (column order of ``STOCK_COLUMNS``)."""
        return (self.location, self.sku, self.quantity, self.updated_at, version)


PRODUCT_COLUMNS = ("sku", "jan", "item_code", "name", "name_kana", "price", "tax_class", "category", "active",
                   "version")  # fmt: skip
STOCK_COLUMNS = ("location", "sku", "quantity", "updated_at", "version")
ProductRow = tuple[str, str | None, str | None, str, str, int, str, str | None, bool, int]
StockRow = tuple[str, str, int, datetime | None, int]


class BadChange(ValueError):
    """A feed row the terminal refuses; the page it came in is not applied."""

    def __init__(self, version: object, entity: object, key: object, problem: str) -> None:
        super().__init__(f"change {version} ({entity} {key!s:.64}): {problem}")
        self.problem = problem


# ---- the fast readers: the same rules as the models above, without a model object per row ---------

_TAX_CLASSES = frozenset(("standard", "reduced"))
_MISSING = object()


def _text(p: dict[str, Any], name: str, low: int, high: int, *, default: Any = _MISSING) -> Any:
    """The text ``p[name]`` (``default`` when absent; ``None`` stays ``None`` only if the default is)."""
    value = p.get(name, _MISSING)
    if value is _MISSING:
        if default is _MISSING:
            raise ValueError(f"{name} is missing")
        return default
    if value is None and default is None:
        return None
    if type(value) is not str:
        raise ValueError(f"{name} must be text")
    if not low <= len(value) <= high:
        raise ValueError(f"{name} must have {low}..{high} characters")
    if _CONTROL.search(value):
        raise ValueError(f"{name}: control characters are not allowed")
    return value


def _digits_or_none(p: dict[str, Any], name: str, high: int) -> str | None:
    value = _text(p, name, 0, high, default=None)
    if value and not (value.isascii() and value.isdigit()):
        raise ValueError(f"{name}: only digits are allowed")
    return value or None


def _integer(p: dict[str, Any], name: str, low: int, high: int) -> int:
    value = p.get(name, _MISSING)
    if value is _MISSING:
        raise ValueError(f"{name} is missing")
    if type(value) is not int:
        raise ValueError(f"{name} must be a whole number")
    if not low <= value <= high:
        raise ValueError(f"{name} must be {low}..{high}")
    return value


def product_row(p: Any, version: int) -> ProductRow:
    """``ProductPayload.model_validate(p).row(version)``, or ``ValueError`` where the model refuses."""
    if type(p) is not dict:
        raise ValueError("the payload must be an object")
    sku = _text(p, "sku", 1, 64)
    jan = _digits_or_none(p, "jan", 14)
    item_code = _digits_or_none(p, "item_code", 10)
    name = _text(p, "name", 1, 200)
    kana = _text(p, "name_kana", 0, 200, default="")
    price = _integer(p, "price", 0, MAX_AMOUNT)
    tax_class = p.get("tax_class", _MISSING)
    if tax_class is _MISSING:
        raise ValueError("tax_class is missing")
    if type(tax_class) is not str or tax_class not in _TAX_CLASSES:
        raise ValueError("tax_class must be standard or reduced")
    category = _text(p, "category", 0, 60, default=None)
    active = p.get("active", True)
    if type(active) is not bool:
        raise ValueError("active must be true or false")
    return (sku, jan, item_code, name, kana, price, tax_class, category or None, active, version)


def stock_row(p: Any, version: int) -> StockRow:
    """``StockPayload.model_validate(p).row(version)``, or ``ValueError`` where the model refuses."""
    if type(p) is not dict:
        raise ValueError("the payload must be an object")
    location = _text(p, "location", 1, 20)
    sku = _text(p, "sku", 1, 64)
    quantity = _integer(p, "quantity", -MAX_STOCK, MAX_STOCK)
    updated_at = p.get("updated_at")
    if updated_at is not None:
        try:  # stock rows are this store's only: few enough per page to let pydantic-core read the time
            updated_at = _AWARE_TIME.validate_python(updated_at)
        except ValidationError as error:
            raise ValueError("updated_at must be a date and time with its zone") from error
    return (location, sku, quantity, updated_at, version)


# The same core validator ``AwareDatetime`` uses.
_AWARE_TIME = pydantic_core.SchemaValidator(pydantic_core.core_schema.datetime_schema(tz_constraint="aware"))


# ---- a pull page ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PullPage:
    """A page as the terminal applies it: the envelope, and the changes as parsed JSON (dicts)."""

    changes: list[dict[str, Any]]
    cursor: str
    has_more: bool
    resync: bool
    server_time: datetime
    remaining: int | None = None


class _Envelope(BaseModel):
    """``PullReply`` without its changes (they are checked row by row)."""

    model_config = ConfigDict(extra="ignore")

    protocol_version: int = PROTOCOL_VERSION
    cursor: str
    has_more: bool
    resync: bool = False
    server_time: datetime
    remaining: Annotated[int, Field(ge=0)] | None = None
    changes: list[Any]


def read_pull_page(raw: bytes) -> PullPage:
    """Parse a pull reply; each change is checked for its envelope (version, entity, key, payload)."""
    try:
        envelope = _Envelope.model_validate(pydantic_core.from_json(raw))
    except (ValueError, ValidationError) as error:
        raise BadChange("-", "page", "", f"not a pull reply: {error}") from error
    for change in envelope.changes:
        if (
            type(change) is not dict
            or type(change.get("version")) is not int
            or type(change.get("entity")) is not str
            or type(change.get("key")) is not str
            or type(change.get("payload")) is not dict
        ):
            raise BadChange("-", "page", "", "a change needs version, entity, key and payload")
    return PullPage(envelope.changes, envelope.cursor, envelope.has_more, envelope.resync,
                    envelope.server_time, envelope.remaining)  # fmt: skip


__all__ = [
    "PRODUCT_COLUMNS",
    "STOCK_COLUMNS",
    "BadChange",
    "ProductPayload",
    "ProductRow",
    "PullPage",
    "StockPayload",
    "StockRow",
    "product_row",
    "read_pull_page",
    "stock_row",
]
