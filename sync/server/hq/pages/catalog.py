"""The catalog: search (kana, JAN), edit, scheduled prices, and the CSV import with a preview.

The import is the API's: the same parser and the same all-or-nothing upsert. The uploaded file waits
in the data directory under a random name between the preview and the confirmation, so what is
applied is exactly what was previewed; one bad row and nothing is imported.
"""

from __future__ import annotations

import re
import secrets
from datetime import date
from pathlib import Path as FilePath
from typing import Annotated

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import Response
from pydantic import ValidationError

from posapp.domain.errors import DomainError
from posapp.domain.money import parse_yen
from sync.server.deps import SessionDep, SettingsDep
from sync.server.hq.pages.stores import validation_messages
from sync.server.hq.web import PREFIX, FormDep, PageDep, field, redirect, render
from sync.server.problems import ProblemError
from sync.server.products import schedule, service
from sync.server.products.csv_import import parse_products_csv
from sync.server.products.router import MAX_CSV_BYTES
from sync.server.products.schemas import ProductIn

router = APIRouter()
Sku = Annotated[str, Path(min_length=1, max_length=64)]
PRODUCT_FIELDS = ("sku", "jan", "name", "name_kana", "price", "tax_class", "category")
_UPLOAD_NAME = re.compile(r"^[A-Za-z0-9_-]{20,60}$")
PREVIEW_ROWS = 200


def _uploads(settings: SettingsDep) -> FilePath:
    folder = settings.data_dir / "hq-imports"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@router.get("/catalog")
def catalog(
    request: Request, page: PageDep, session: SessionDep, q: Annotated[str, Query(max_length=100)] = ""
) -> Response:
    """Search by SKU, JAN (or its first digits), name or kana; the upcoming price changes."""
    found = service.search_products(session, q=q)
    return render(page, request, "catalog.html", q=q, products=found, upcoming=schedule.pending(session)[:50])


@router.get("/catalog/import")
def import_form(request: Request, page: PageDep) -> Response:
    """The CSV upload form (HQ admins)."""
    page.require_admin()
    return render(page, request, "import.html", errors=[], changes=None)


@router.post("/catalog/import")
async def import_preview(request: Request, page: PageDep, form: FormDep, settings: SettingsDep) -> Response:
    """Parse the upload and show what it would change; nothing is saved yet."""
    page.require_admin()
    upload = form.get("file")
    data = b"" if upload is None or isinstance(upload, str) else await upload.read(MAX_CSV_BYTES + 1)
    if len(data) > MAX_CSV_BYTES:
        return render(
            page, request, "import.html", status=413, errors=[page.t("import.too_large")], changes=None
        )
    products, errors = parse_products_csv(data)
    if errors:
        messages = [
            f"{page.t('import.row', row=e.row) if e.row else page.t('import.file')}: {e.message}"
            for e in errors
        ]
        return render(page, request, "import.html", status=422, errors=messages[:100], changes=None)
    name = secrets.token_urlsafe(24)
    (_uploads(settings) / f"{name}.csv").write_bytes(data)
    from starlette.concurrency import run_in_threadpool

    def preview() -> list[service.ProductChange]:
        with request.app.state.session_factory() as session:
            return service.preview_upsert(session, products)

    changes = await run_in_threadpool(preview)
    counts = {status: sum(1 for c in changes if c.status == status) for status in ("new", "changed", "same")}
    shown = [c for c in changes if c.status != "same"][:PREVIEW_ROWS]
    return render(page, request, "import.html", errors=[], changes=shown, counts=counts, upload=name,
                  total=len(changes))  # fmt: skip


@router.post("/catalog/import/confirm")
def import_confirm(
    request: Request, page: PageDep, form: FormDep, session: SessionDep, settings: SettingsDep
) -> Response:
    """Apply the previewed file in one transaction (all rows or none)."""
    page.require_admin()
    name = field(form, "upload")
    path = _uploads(settings) / f"{name}.csv"
    if not _UPLOAD_NAME.match(name) or not path.exists():
        return render(
            page, request, "import.html", status=410, errors=[page.t("import.expired")], changes=None
        )
    products, errors = parse_products_csv(path.read_bytes())
    if errors:
        return render(
            page, request, "import.html", status=422, errors=[e.message for e in errors][:100], changes=None
        )
    created, updated = service.upsert_products(session, items=products)
    page.audit(session, "catalog.import", f"{len(products)} rows", created=created, updated=updated)
    session.commit()
    path.unlink(missing_ok=True)
    return redirect(f"{PREFIX}/catalog?imported={created}-{updated}", done="imported")


@router.get("/catalog/{sku}")
def product_page(sku: Sku, request: Request, page: PageDep, session: SessionDep) -> Response:
    """A product's form and its scheduled prices."""
    product = service.get_product(session, sku)
    values = service.product_payload(product)
    return render(page, request, "product.html", product=product, values=values, errors=[],
                  upcoming=schedule.pending(session, sku=sku), tomorrow=schedule.chain_today().toordinal() + 1)  # fmt: skip


def _product_values(form: FormDep, sku: str) -> dict[str, object]:
    values: dict[str, object] = {name: field(form, name) for name in PRODUCT_FIELDS}
    values["sku"] = sku
    values["active"] = field(form, "active") == "1"
    values["jan"] = values["jan"] or None
    values["category"] = values["category"] or None
    return values


@router.post("/catalog/{sku}")
def save_product(sku: Sku, request: Request, page: PageDep, form: FormDep, session: SessionDep) -> Response:
    """Save a product now (the terminals get it with their next pull)."""
    page.require_admin()
    product = service.get_product(session, sku)
    values = _product_values(form, sku)
    try:
        values["price"] = parse_yen(str(values["price"]))
        item = ProductIn.model_validate(values)
    except ValidationError as error:
        errors = validation_messages(page, error)
    except (DomainError, ValueError) as error:
        errors = [f"{page.t('field.price')}: {page.error_text(error)}"]
    else:
        before = service.product_payload(product)
        service.upsert_products(session, items=[item])
        after = service.product_payload(product)
        page.audit(session, "product.update", sku,
                   **{k: [before[k], after[k]] for k in after if before[k] != after[k]})  # fmt: skip
        session.commit()
        return redirect(f"{PREFIX}/catalog/{sku}", done="product_saved")
    return render(page, request, "product.html", status=422, product=product, values=values, errors=errors,
                  upcoming=schedule.pending(session, sku=sku), tomorrow=schedule.chain_today().toordinal() + 1)  # fmt: skip


@router.post("/catalog/{sku}/price-changes")
def schedule_price(sku: Sku, request: Request, page: PageDep, form: FormDep, session: SessionDep) -> Response:
    """Schedule a new price from a future day."""
    page.require_admin()
    product = service.get_product(session, sku)
    try:
        price = parse_yen(field(form, "price"))
        effective_on = date.fromisoformat(field(form, "effective_on"))
        change = schedule.schedule(
            session, sku=sku, price=price, effective_on=effective_on, by=page.viewer.username
        )
    except (ProblemError, DomainError, ValueError) as error:
        session.rollback()
        return render(page, request, "product.html", status=422, product=product,
                      values=service.product_payload(product), errors=[page.error_text(error)],
                      upcoming=schedule.pending(session, sku=sku), tomorrow=schedule.chain_today().toordinal() + 1)  # fmt: skip
    page.audit(
        session, "price.schedule", sku, price=change.price, effective_on=change.effective_on.isoformat()
    )
    session.commit()
    return redirect(f"{PREFIX}/catalog/{sku}", done="price_scheduled")


@router.post("/catalog/price-changes/{change_id}/cancel")
def cancel_price(
    change_id: Annotated[int, Path(ge=1, le=2**31 - 1)], request: Request, page: PageDep, form: FormDep,
    session: SessionDep,
) -> Response:  # fmt: skip
    """Cancel a scheduled price."""
    page.require_admin()
    change = schedule.cancel(session, change_id)
    page.audit(session, "price.cancel", str(change_id), price=change.price)
    session.commit()
    back = field(form, "back")
    return redirect(
        back if back.startswith(PREFIX + "/catalog") else f"{PREFIX}/catalog", done="price_cancelled"
    )
