"""Product master writes: upsert by SKU (one transaction for the whole list) and lookups."""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from sync.server.changes.service import record_change
from sync.server.problems import NotFound
from sync.server.products.models import Product
from sync.server.products.schemas import ProductIn

_CHUNK = 500


def get_product(session: Session, sku: str) -> Product:
    """The product with ``sku``, or 404."""
    product = session.scalar(select(Product).where(Product.sku == sku))
    if product is None:
        raise NotFound(f"no product {sku}")
    return product


def products_by_sku(session: Session, skus: Sequence[str]) -> dict[str, Product]:
    """The stored products among ``skus``."""
    found: dict[str, Product] = {}
    unique = list(dict.fromkeys(skus))
    for start in range(0, len(unique), _CHUNK):
        chunk = unique[start : start + _CHUNK]
        found.update(
            (product.sku, product)
            for product in session.scalars(select(Product).where(Product.sku.in_(chunk)))
        )
    return found


def upsert_products(session: Session, *, items: Sequence[ProductIn]) -> tuple[int, int]:
    """Create or update every item (the last one wins for a repeated SKU); returns (created, updated)."""
    existing = products_by_sku(session, [item.sku for item in items])
    created = updated = 0
    for item in items:
        product = existing.get(item.sku)
        if product is None:
            product = Product(sku=item.sku)
            session.add(product)
            existing[item.sku] = product
            created += 1
        else:
            updated += 1
        product.jan = item.jan or None
        product.name = item.name
        product.name_kana = item.name_kana
        product.price = item.price
        product.tax_class = item.tax_class
        product.category = item.category or None
        product.active = item.active
    session.flush()
    for item in items:
        publish_product(session, existing[item.sku])
    return created, updated


def product_payload(product: Product) -> dict[str, object]:
    """What terminals cache about a product."""
    return {
        "sku": product.sku,
        "jan": product.jan,
        "name": product.name,
        "name_kana": product.name_kana,
        "price": product.price,
        "tax_class": product.tax_class,
        "category": product.category,
        "active": product.active,
    }


def publish_product(session: Session, product: Product) -> None:
    """Put a product (price and tax class included) on the chain-wide change feed."""
    record_change(
        session, entity="product", key=product.sku, store_code=None, payload=product_payload(product)
    )


SEARCH_LIMIT = 100
_HIRAGANA = {code: code + 0x60 for code in range(0x3041, 0x3097)}


def search_products(session: Session, *, q: str, limit: int = SEARCH_LIMIT) -> list[Product]:
    """Products whose SKU or JAN starts with ``q``, or whose name or kana contains it (hiragana finds
    katakana, half-width finds full-width), by SKU."""
    text = unicodedata.normalize("NFKC", q).strip()
    if not text:
        return list(session.scalars(select(Product).order_by(Product.sku).limit(limit)))
    literal = text.replace("\\", "").replace("%", "").replace("_", "")
    kana = literal.translate(_HIRAGANA)
    conditions = [
        Product.sku.startswith(literal),
        Product.name.ilike(f"%{literal}%"),
        Product.name_kana.ilike(f"%{kana}%"),
    ]
    if literal.isdigit():
        conditions.append(Product.jan.startswith(literal))
    return list(session.scalars(select(Product).where(or_(*conditions)).order_by(Product.sku).limit(limit)))


@dataclass(frozen=True, slots=True)
class ProductChange:
    """What an import would do to one product: ``new``, ``changed`` (with the fields) or ``same``."""

    item: ProductIn
    status: str
    fields: dict[str, tuple[object, object]]


def preview_upsert(session: Session, items: Sequence[ProductIn]) -> list[ProductChange]:
    """What ``upsert_products`` would change, without changing anything."""
    stored = products_by_sku(session, [item.sku for item in items])
    changes = []
    for item in items:
        product = stored.get(item.sku)
        if product is None:
            changes.append(ProductChange(item, "new", {}))
            continue
        before = product_payload(product)
        after = product_payload_of(item)
        differ = {name: (before[name], after[name]) for name in after if before[name] != after[name]}
        changes.append(ProductChange(item, "changed" if differ else "same", differ))
    return changes


def product_payload_of(item: ProductIn) -> dict[str, object]:
    """The stored form of an incoming product (empty JAN and category become none)."""
    return {
        "sku": item.sku,
        "jan": item.jan or None,
        "name": item.name,
        "name_kana": item.name_kana,
        "price": item.price,
        "tax_class": item.tax_class,
        "category": item.category or None,
        "active": item.active,
    }
