"""HQ endpoints for the product master."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Request, Response
from fastapi.responses import JSONResponse
from sqlalchemy import bindparam, select
from starlette.concurrency import run_in_threadpool

from sync.server.answers import json_answer
from sync.server.db.query import Query
from sync.server.deps import AdminDb, AdminDep, SessionDep
from sync.server.problems import PROBLEM_MEDIA_TYPE, PROBLEM_RESPONSES, NotFound, ProblemError
from sync.server.products import schedule, service
from sync.server.products.csv_import import parse_products_csv
from sync.server.products.models import PriceChange, Product
from sync.server.products.schemas import PriceChangeIn, PriceChangeOut, ProductList, ProductOut, UpsertResult

router = APIRouter(prefix="/v1/admin/products", tags=["admin"], responses=PROBLEM_RESPONSES)

MAX_CSV_BYTES = 20 * 1024 * 1024
_IMPORT_422: dict[str, Any] = {
    "description": "Rows were refused; nothing was imported",
    "content": {
        "application/json": {"schema": {"$ref": "#/components/schemas/UpsertResult"}},
        PROBLEM_MEDIA_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}},
    },
}
_CSV_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            "text/csv": {"schema": {"type": "string"}},
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "properties": {"file": {"type": "string", "format": "binary"}},
                    "required": ["file"],
                }
            },
        },
    }
}


# The look-ups first: routes are tried in order (a GET of /price-changes before /{sku}, which would take
# it), and every route tried before the one that answers costs a look-up a few per cent.
@router.get("/price-changes", response_model=list[PriceChangeOut])
def pending_price_changes(session: SessionDep, admin: AdminDep) -> list[PriceChangeOut]:
    """Scheduled price changes still to come, soonest first."""
    return [price_change_out(change, product.sku) for change, product in schedule.pending(session)]


@router.get("/{sku}", response_model=ProductOut)
async def get_product(sku: Annotated[str, Path(min_length=1, max_length=64)], auth: AdminDb) -> Response:
    """One product by SKU (404 if unknown)."""
    row = await auth.db.fetch_one(PRODUCT_BY_SKU, sku=sku)
    if row is None:
        raise NotFound(f"no product {sku}")
    return json_answer(ProductOut.model_validate(row))


PRODUCT_BY_SKU = Query.of(
    select(
        Product.sku, Product.jan, Product.name, Product.name_kana, Product.price, Product.tax_class,
        Product.category, Product.active, Product.updated_at,
    ).where(Product.sku == bindparam("sku"))
)  # fmt: skip
"""Compiled once; the row is a dict of the columns, not an ORM object."""


@router.post("", response_model=UpsertResult)
def upsert_products(body: ProductList, session: SessionDep, admin: AdminDep) -> UpsertResult:
    """Create or update products by SKU, all in one transaction."""
    created, updated = service.upsert_products(session, items=body)
    session.commit()
    return UpsertResult(created=created, updated=updated)


@router.post(
    "/import",
    response_model=UpsertResult,
    responses={422: _IMPORT_422, 413: PROBLEM_RESPONSES[422] | {"description": "Too large"}},
    openapi_extra=_CSV_BODY,
)
async def import_products(request: Request, session: SessionDep, admin: AdminDep) -> Any:
    """Import a product CSV (``text/csv`` body or multipart ``file``); one bad row and nothing is imported."""
    data = await _read_csv_upload(request)
    products, errors = parse_products_csv(data)
    if errors:
        refused = UpsertResult(created=0, updated=0, errors=errors)
        return JSONResponse(refused.model_dump(), status_code=422)

    def save() -> UpsertResult:
        created, updated = service.upsert_products(session, items=products)
        session.commit()
        return UpsertResult(created=created, updated=updated)

    return await run_in_threadpool(save)


async def _read_csv_upload(request: Request) -> bytes:
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type == "multipart/form-data":
        form = await request.form(max_files=1, max_fields=10)
        upload = form.get("file")
        if upload is None or isinstance(upload, str):
            raise ProblemError(422, "the multipart body needs a 'file' part", slug="validation")
        data = await upload.read(MAX_CSV_BYTES + 1)
    elif content_type in ("text/csv", "application/csv", "text/plain"):
        data = await request.body()
    else:
        raise ProblemError(415, "send text/csv or multipart/form-data with a 'file' part", slug="media-type")
    if len(data) > MAX_CSV_BYTES:
        raise ProblemError(413, "the file is larger than 20 MB", slug="too-large")
    return data


def price_change_out(change: PriceChange, sku: str) -> PriceChangeOut:
    """A scheduled price change as the API shows it."""
    return PriceChangeOut(
        id=change.id, sku=sku, price=change.price, effective_on=change.effective_on, created_by=change.created_by,
        applied_at=change.applied_at, cancelled_at=change.cancelled_at,
    )  # fmt: skip


@router.post("/price-changes/{change_id}/cancel", response_model=PriceChangeOut)
def cancel_price_change(
    change_id: Annotated[int, Path(ge=1, le=2**31 - 1)], session: SessionDep, admin: AdminDep
) -> PriceChangeOut:
    """Cancel a scheduled price change that has not been applied (422 once it has)."""
    change = schedule.cancel(session, change_id)
    session.commit()
    return price_change_out(change, session.get_one(Product, change.product_id).sku)


@router.post("/{sku}/price-changes", response_model=PriceChangeOut, status_code=201)
def schedule_price_change(
    sku: Annotated[str, Path(min_length=1, max_length=64)],
    body: PriceChangeIn,
    session: SessionDep,
    admin: AdminDep,
) -> PriceChangeOut:
    """Set a new price from a future day; terminals get it when that day starts (Asia/Tokyo)."""
    change = schedule.schedule(
        session, sku=sku, price=body.price, effective_on=body.effective_on, by=f"token:{admin.credential_id}"
    )
    session.commit()
    return price_change_out(change, sku)
