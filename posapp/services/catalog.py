"""Finding products: by what a scanner read, or by a few characters of a Japanese name or its kana."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from sqlalchemy import or_, select, text
from sqlalchemy.orm import Session

from posapp.domain.barcodes import BookPriceCode, InStoreCode, InStoreKind, InStoreLayout, ProductCode
from posapp.domain.tax import TaxClass, rate_for, tax_added_to
from posapp.services.errors import UnknownProduct
from posapp.store.models import InStoreLayoutRow, Product, StockLevel

BOOK_SKU = "BOOK"
_MIN_TRIGRAM = 3


@dataclass(frozen=True, slots=True)
class ProductInfo:
    """A product as the counter sees it; ``stock`` is this store's level when known."""

    sku: str
    name: str
    name_kana: str
    price: int
    tax_class: TaxClass
    jan: str | None = None
    category: str | None = None
    stock: int | None = None


def _info(product: Product, stock: int | None = None) -> ProductInfo:
    return ProductInfo(
        sku=product.sku,
        name=product.name,
        name_kana=product.name_kana,
        price=product.price,
        tax_class=TaxClass(product.tax_class),
        jan=product.jan,
        category=product.category,
        stock=stock,
    )


def product_by_sku(session: Session, sku: str) -> ProductInfo:
    """The active product ``sku``; raises ``UnknownProduct``."""
    product = session.scalar(select(Product).where(Product.sku == sku, Product.active))
    if product is None:
        raise UnknownProduct("no such product", value=sku)
    return _info(product)


def product_for_scan(
    session: Session, scan: ProductCode | InStoreCode | BookPriceCode
) -> tuple[ProductInfo, int | None]:
    """The product a scanned code names, and the price printed on the label when it carries one."""
    if isinstance(scan, BookPriceCode):
        price = scan.price_before_tax + tax_added_to(scan.price_before_tax, rate_for(TaxClass.STANDARD))
        return ProductInfo(BOOK_SKU, f"書籍 C{scan.c_code}", "ショセキ", price, TaxClass.STANDARD), price
    if isinstance(scan, InStoreCode):
        product = session.scalar(
            select(Product).where(Product.item_code == scan.item_code.lstrip("0"), Product.active)
        )
        if product is None:
            raise UnknownProduct("no product has this in-store code", value=scan.code)
        return _info(product), scan.price
    product = session.scalar(select(Product).where(Product.jan == scan.code, Product.active).limit(1))
    if product is None and scan.code.startswith("0"):  # a UPC-A label may be stored as 12 digits
        product = session.scalar(select(Product).where(Product.jan == scan.code[1:], Product.active).limit(1))
    if product is None:
        raise UnknownProduct("this barcode is not in the catalog", value=scan.code)
    return _info(product), None


def fold_text(query: str) -> str:
    """Half-width kana and full-width letters folded (NFKC), lower case."""
    return unicodedata.normalize("NFKC", query).strip().lower()


def to_katakana(text: str) -> str:
    """Hiragana turned to katakana, the script product and customer kana are kept in."""
    return "".join(chr(ord(c) + 0x60) if "ぁ" <= c <= "ゖ" else c for c in text)


def normalise_query(query: str) -> str:
    """The folded query in katakana (for matching kana columns)."""
    return to_katakana(fold_text(query))


def search_products(
    session: Session, query: str, *, limit: int = 50, store_code: str = ""
) -> list[ProductInfo]:
    """Products whose name or kana contains ``query`` (Japanese partial match), or whose code starts with it."""
    needle = fold_text(query)
    if not needle:
        return []
    variants = sorted({needle, to_katakana(needle)})
    if len(needle) >= _MIN_TRIGRAM:
        # Trigram FTS answers substring queries from the index; each phrase is quoted so FTS syntax
        # characters in a product name are taken literally.
        phrase = " OR ".join('"' + v.replace('"', '""') + '"' for v in variants)
        rows = session.execute(
            text(
                "SELECT p.id FROM products_fts f JOIN products p ON p.id = f.rowid "
                "WHERE products_fts MATCH :phrase AND p.active LIMIT :limit"
            ),
            {"phrase": phrase, "limit": limit},
        ).scalars()
        ids = list(rows)
    else:
        matches = [column.like(f"%{v}%") for v in variants for column in (Product.name, Product.name_kana)]
        ids = list(session.scalars(select(Product.id).where(Product.active, or_(*matches)).limit(limit)))
    if needle.isdigit() and len(ids) < limit:
        ids += list(
            session.scalars(
                select(Product.id)
                .where(Product.jan.like(f"{needle}%") | Product.sku.like(f"{needle}%"))
                .limit(limit)
            )
        )
    if not ids:
        return []
    products = {p.id: p for p in session.scalars(select(Product).where(Product.id.in_(ids)))}
    stock = {}
    if store_code:
        skus = [p.sku for p in products.values()]
        stock = dict(
            session.execute(
                select(StockLevel.sku, StockLevel.quantity).where(
                    StockLevel.location == store_code, StockLevel.sku.in_(skus)
                )
            ).all()
        )
    seen: dict[int, ProductInfo] = {}
    for product_id in ids:
        if product_id in products and product_id not in seen:
            product = products[product_id]
            seen[product_id] = _info(product, stock.get(product.sku))
    return list(seen.values())[:limit]


def in_store_layouts(session: Session) -> dict[str, InStoreLayout] | None:
    """The store's in-store barcode layouts, or ``None`` to use the defaults."""
    rows = list(session.scalars(select(InStoreLayoutRow)))
    if not rows:
        return None
    return {
        row.prefix: InStoreLayout(
            row.prefix, InStoreKind(row.kind), row.item_digits, row.price_digits, row.price_check
        )
        for row in rows
    }
