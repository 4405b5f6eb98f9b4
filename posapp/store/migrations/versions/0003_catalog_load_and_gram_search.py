"""Catalog downloads into bare tables swapped into place; search over folded text with a gram index.

- ``products`` keeps its SKU uniqueness as an index (``uq_products_sku``) instead of a table
  constraint, so a downloaded table can take its indexes at the end (``posapp.store.catalog_load``).
- The trigram index becomes contentless and indexes the folded name and kana (NFKC, lower case), and
  ``products_grams`` answers one- and two-character queries; triggers keep both in step through the
  folding functions the terminal registers on every connection (``posapp.store.fts``).
- ``catalog_load`` records a download in progress, so one cut short resumes.

Revision ID: catalog_load_and_gram_search
Revises: 0002
Create Date: 2026-11-30 10:00:00.000000
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from posapp.store import catalog_load, fts


revision: str = 'catalog_load_and_gram_search'
down_revision: str | None = '0002'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_COLUMNS = "id, sku, jan, item_code, name, name_kana, price, tax_class, category, active, version"


def upgrade() -> None:
    for name in ("products_fts_insert", "products_fts_delete", "products_fts_update"):
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.execute("DROP TABLE IF EXISTS products_fts")
    op.execute(catalog_load.products_ddl("products_new"))
    op.execute(f"INSERT INTO products_new ({_COLUMNS}) SELECT {_COLUMNS} FROM products")
    op.execute("DROP TABLE products")
    op.execute("ALTER TABLE products_new RENAME TO products")
    for ddl in catalog_load.PRODUCT_INDEXES.values():
        op.execute(ddl)
    for ddl in fts.index_ddl():
        op.execute(ddl)
    op.execute(
        f"INSERT INTO {fts.TEXT_INDEX}(rowid, text) SELECT id, {fts.TEXT_FUNCTION}(name, name_kana) FROM products"
    )
    op.execute(
        f"INSERT INTO {fts.GRAMS_INDEX}(rowid, grams) "
        f"SELECT id, {fts.GRAMS_FUNCTION}(name, name_kana) FROM products"
    )
    for ddl in fts.TRIGGERS.values():
        op.execute(ddl)
    op.create_table('catalog_load',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('started_at', sa.DateTime(), nullable=False),
    sa.Column('rows_done', sa.Integer(), nullable=False),
    sa.Column('rows_total', sa.Integer(), nullable=True),
    sa.Column('resync', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_catalog_load'))
    )


def downgrade() -> None:
    op.drop_table('catalog_load')
    for name in fts.TRIGGERS:
        op.execute(f"DROP TRIGGER IF EXISTS {name}")
    op.execute(f"DROP TABLE IF EXISTS {fts.GRAMS_INDEX}")
    op.execute(f"DROP TABLE IF EXISTS {fts.TEXT_INDEX}")
    op.execute(
        "CREATE VIRTUAL TABLE products_fts USING fts5("
        "name, name_kana, content='products', content_rowid='id', tokenize='trigram')"
    )
    op.execute("INSERT INTO products_fts(products_fts) VALUES ('rebuild')")
    op.execute(
        "CREATE TRIGGER products_fts_insert AFTER INSERT ON products BEGIN "
        "INSERT INTO products_fts(rowid, name, name_kana) VALUES (new.id, new.name, new.name_kana); END"
    )
    op.execute(
        "CREATE TRIGGER products_fts_delete AFTER DELETE ON products BEGIN "
        "INSERT INTO products_fts(products_fts, rowid, name, name_kana) "
        "VALUES ('delete', old.id, old.name, old.name_kana); END"
    )
    op.execute(
        "CREATE TRIGGER products_fts_update AFTER UPDATE OF name, name_kana ON products BEGIN "
        "INSERT INTO products_fts(products_fts, rowid, name, name_kana) "
        "VALUES ('delete', old.id, old.name, old.name_kana); "
        "INSERT INTO products_fts(rowid, name, name_kana) VALUES (new.id, new.name, new.name_kana); END"
    )
