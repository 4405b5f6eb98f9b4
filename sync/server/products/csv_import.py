"""Reading a product CSV as Japanese offices save it: UTF-8 (with or without BOM) or cp932 (Excel)."""

from __future__ import annotations

import csv
import io

from pydantic import ValidationError

from posapp.domain.errors import DomainError
from posapp.domain.money import parse_yen
from sync.server.products.schemas import ProductIn, RowError

REQUIRED_COLUMNS = ("sku", "name", "price", "tax_class")
OPTIONAL_COLUMNS = ("jan", "name_kana", "category", "active")
MAX_ROWS = 100_000
_TRUE = {"", "1", "true", "yes", "y", "有効", "はい"}
_FALSE = {"0", "false", "no", "n", "無効", "いいえ"}


def decode_csv(data: bytes) -> str:
    """Text of the file: UTF-8 (a BOM is dropped), else cp932; raises ``ValueError`` when neither fits."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp932")
    except UnicodeDecodeError as exc:
        raise ValueError("the file is neither UTF-8 nor cp932 (Shift_JIS)") from exc


def parse_products_csv(data: bytes) -> tuple[list[ProductIn], list[RowError]]:
    """Validated products and the errors of the rows that are not; row 0 is the file or its header."""
    try:
        text = decode_csv(data)
    except ValueError as exc:
        return [], [RowError(row=0, message=str(exc))]
    if "\x00" in text:
        return [], [RowError(row=0, message="the file contains NUL characters")]
    reader = csv.DictReader(io.StringIO(text, newline=""))
    header = [name.strip().lower() for name in reader.fieldnames or []]
    missing = [column for column in REQUIRED_COLUMNS if column not in header]
    if missing:
        return [], [RowError(row=0, message=f"missing columns: {', '.join(missing)}")]
    reader.fieldnames = header
    products: list[ProductIn] = []
    errors: list[RowError] = []
    first_row_of_sku: dict[str, int] = {}
    try:
        for number, raw in enumerate(reader, start=1):
            if number > MAX_ROWS:
                errors.append(RowError(row=number, message=f"more than {MAX_ROWS} rows"))
                break
            product = _parse_row(number, raw, errors)
            if product is None:
                continue
            if product.sku in first_row_of_sku:
                errors.append(
                    RowError(
                        row=number, message=f"SKU {product.sku} repeats row {first_row_of_sku[product.sku]}"
                    )
                )
                continue
            first_row_of_sku[product.sku] = number
            products.append(product)
    except csv.Error as exc:
        errors.append(RowError(row=reader.line_num, message=f"not a valid CSV: {exc}"))
    if not products and not errors:
        errors.append(RowError(row=0, message="the file has no data rows"))
    return products, errors


def _parse_row(number: int, raw: dict[str | None, object], errors: list[RowError]) -> ProductIn | None:
    if raw.get(None):
        errors.append(RowError(row=number, message="more values than columns"))
        return None
    row = {key: (value or "").strip() if isinstance(value, str) else "" for key, value in raw.items() if key}
    try:
        price = parse_yen(row["price"]) if row["price"] else None
        active_text = row.get("active", "").lower()
        if active_text not in _TRUE | _FALSE:
            raise ValueError(f"active must be true or false, not {active_text!r}")
        return ProductIn.model_validate(
            {
                "sku": row["sku"],
                "jan": row.get("jan") or None,
                "name": row["name"],
                "name_kana": row.get("name_kana", ""),
                "price": price,
                "tax_class": row["tax_class"].lower(),
                "category": row.get("category") or None,
                "active": active_text in _TRUE,
            }
        )
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors())
        errors.append(RowError(row=number, message=problems))
    except (DomainError, ValueError) as exc:
        errors.append(RowError(row=number, message=str(exc)))
    return None
