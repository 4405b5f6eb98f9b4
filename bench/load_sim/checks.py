"""After the run: every sale a terminal was told is stored is stored exactly once, and nothing else is."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from sqlalchemy import select

from bench.load_sim.traffic import Traffic


@dataclass
class SalesAudit:
    """What the server holds against what the terminals and the shop were told."""

    confirmed: int = 0
    applied: int = 0
    duplicate_answers: int = 0
    stored: int = 0
    lost: list[str] = field(default_factory=list)
    unexpected: list[str] = field(default_factory=list)
    stored_unconfirmed: int = 0  # stored, but the answer never reached the terminal (still in its outbox)
    duplicated_receipts: list[str] = field(default_factory=list)
    unconfirmed: int = 0
    stores_mismatched: list[str] = field(default_factory=list)
    orders_confirmed: int = 0
    orders_stored: int = 0
    orders_missing: list[str] = field(default_factory=list)
    flags: dict[str, int] = field(default_factory=dict)

    @property
    def clean(self) -> bool:
        """Zero lost, duplicated or unexpected sales and orders, and nothing left unsent."""
        return not (self.lost or self.unexpected or self.duplicated_receipts or self.unconfirmed
                    or self.stores_mismatched or self.orders_missing)  # fmt: skip


def audit_sales(database: str, traffic: Traffic) -> SalesAudit:
    """Compare the server's ``store_sales`` and ``online_orders`` with what the simulator was answered."""
    from sync.server.channel.models import OnlineOrder
    from sync.server.db.session import make_engine
    from sync.server.sales.models import StoreSale
    from sync.server.stores.models import Store

    result = SalesAudit()
    confirmed: dict[str, str] = {}
    sent: set[str] = set()
    expected_per_store: Counter[str] = Counter()
    for terminal in traffic.terminals:
        sent.update(terminal.sent_sales)
        confirmed.update({sale_id: terminal.identity.store_code for sale_id in terminal.confirmed})
        expected_per_store[terminal.identity.store_code] += len(terminal.confirmed)
        result.applied += sum(status == "applied" for status in terminal.confirmed.values())
        result.unconfirmed += len(terminal.outbox)
        for flag, count in terminal.flags.items():
            result.flags[flag] = result.flags.get(flag, 0) + count
    result.confirmed = len(confirmed)
    result.duplicate_answers = result.confirmed - result.applied
    stores = {t.identity.store_code for t in traffic.terminals}
    engine = make_engine(database, pool_size=1)
    with engine.connect() as connection:
        rows = connection.execute(
            select(StoreSale.id, StoreSale.receipt_no, Store.code)
            .join(Store, Store.id == StoreSale.store_id)
            .where(Store.code.in_(stores), StoreSale.kind == "sale")
        ).all()
        prefix = f"LT-{traffic.run_id}-"
        orders = set(
            connection.scalars(select(OnlineOrder.order_id).where(OnlineOrder.order_id.startswith(prefix)))
        )
    engine.dispose()
    result.stored = len(rows)
    stored_ids = {row[0] for row in rows}
    result.lost = sorted(set(confirmed) - stored_ids)
    # A sale stored whose answer was lost (a timeout) is not a duplicate: it is still in its terminal's
    # outbox and the resend is answered "duplicate". Only a sale no terminal ever sent is unexpected.
    result.unexpected = sorted(stored_ids - sent)
    answer_lost = (stored_ids & sent) - set(confirmed)
    result.stored_unconfirmed = len(answer_lost)
    result.duplicated_receipts = sorted(r for r, n in Counter(row[1] for row in rows).items() if n > 1)
    per_store = Counter(row[2] for row in rows)
    expected_per_store.update(row[2] for row in rows if row[0] in answer_lost)
    result.stores_mismatched = sorted(s for s in stores if per_store[s] != expected_per_store[s])
    result.orders_confirmed = len(traffic.orders_confirmed)
    result.orders_stored = len(orders)
    result.orders_missing = sorted(traffic.orders_confirmed - orders)
    return result
