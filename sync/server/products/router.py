"""HQ endpoints for the product master."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Request
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from sync.server.deps import AdminDep, SessionDep
from sync.server.problems import PROBLEM_MEDIA_TYPE, PROBLEM_RESPONSES, ProblemError
from sync.server.products import service
from sync.server.products.csv_import import parse_products_csv
from sync.server.products.schemas import ProductList, ProductOut, UpsertResult

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


@router.get("/{sku}", response_model=ProductOut)
def get_product(
    sku: Annotated[str, Path(min_length=1, max_length=64)], session: SessionDep, admin: AdminDep
) -> ProductOut:
    """One product by SKU (404 if unknown)."""
    product = service.get_product(session, sku)
    return ProductOut(
        sku=product.sku,
        jan=product.jan,
        name=product.name,
        name_kana=product.name_kana,
        price=product.price,
        tax_class=product.tax_class,  # type: ignore[arg-type]
        category=product.category,
        active=product.active,
        updated_at=product.updated_at,
    )
