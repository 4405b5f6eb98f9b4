"""Customer search at chain scale: a fixed number of queries per page and an index for name fragments."""

from __future__ import annotations

import pytest
from sqlalchemy import event, text

from sync.server.customers import service
from tests.server.conftest import Api


def test_a_page_of_fifty_costs_the_same_queries_as_a_page_of_one(api: Api) -> None:
    for n in range(60):
        api.customer(name=f"山田{n}", name_kana=f"ヤマダ{n}")
    api.customer(store="S002", name="山本", name_kana="ヤマモト")
    engine = api.client.app.state.engine  # type: ignore[attr-defined]
    statements: list[str] = []

    def count(*args: object) -> None:
        statements.append(str(args[2]))

    event.listen(engine, "before_cursor_execute", count)
    try:
        many = api.client.get("/v1/customers", params={"q": "ヤマ"}, headers=api.device())
        per_page_many = len(statements)
        statements.clear()
        one = api.client.get("/v1/customers", params={"q": "ヤマモト"}, headers=api.device())
        per_page_one = len(statements)
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert many.status_code == one.status_code == 200
    assert len(many.json()) == service.SEARCH_LIMIT
    assert one.json()[0]["home_store"] == "S002" and one.json()[0]["points_balance"] == 0
    assert per_page_many == per_page_one <= 5  # caller, search, balances, store codes


@pytest.mark.parametrize("api", [pytest.param("pg", marks=pytest.mark.pg)], indirect=True)
def test_name_fragments_are_served_by_trigram_indexes_on_postgresql(api: Api) -> None:
    api.customer(name="佐藤花子", name_kana="サトウハナコ")
    with api.session() as session:
        session.execute(text("SET LOCAL enable_seqscan = off"))
        plan = "\n".join(
            row[0]
            for row in session.execute(
                text("EXPLAIN SELECT id FROM customers WHERE name ILIKE :p OR name_kana ILIKE :p"),
                {"p": "%トウハ%"},
            )
        )
        found = service.search(session, q="トウハ")
    assert "ix_customers_name_trgm" in plan and "ix_customers_name_kana_trgm" in plan, plan
    assert [c.name for c in found] == ["佐藤花子"]
