"""The cart table is told exactly what changed: a scan inserts one row, a quantity change updates one."""

from __future__ import annotations

from posapp.domain.cart import Cart, CartLine, LineMerge
from posapp.domain.tax import TaxClass
from posapp.ui.cart_model import CartTableModel


def line(sku: str, quantity: int = 1) -> CartLine:
    return CartLine(sku=sku, name=f"商品{sku}", unit_price=100, quantity=quantity, tax_class=TaxClass.REDUCED)


def watch(model: CartTableModel) -> list[str]:
    seen: list[str] = []
    model.modelReset.connect(lambda: seen.append("reset"))
    model.rowsInserted.connect(lambda _parent, first, last: seen.append(f"insert {first}-{last}"))
    model.dataChanged.connect(lambda top, bottom, _roles: seen.append(f"changed {top.row()}-{bottom.row()}"))
    return seen


def test_scans_insert_rows_and_edits_change_only_their_row() -> None:
    model = CartTableModel()
    seen = watch(model)
    cart = Cart()
    for sku in ("A", "B", "C"):
        cart = cart.add(line(sku), merge=LineMerge.NEW_LINE)
        model.set_cart(cart)
    assert seen == ["insert 0-0", "insert 1-1", "insert 2-2"]
    seen.clear()
    model.set_cart(cart.with_quantity(1, 3))
    assert seen == ["changed 1-1"] and model.data(model.index(1, 2)) == "3"
    seen.clear()
    model.set_cart(model.cart.without_line(0))
    assert seen == ["reset"] and model.rowCount() == 2 and model.data(model.index(0, 0)) == "1"
    seen.clear()
    model.set_cart(model.cart.with_eat_in(True))
    assert seen == ["reset"]
    seen.clear()
    model.set_cart(Cart())
    assert seen == ["reset"] and model.rowCount() == 0
