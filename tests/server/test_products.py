"""Product upserts, look-ups and CSV imports in every encoding Japanese offices use."""

from __future__ import annotations

from tests.server.conftest import Api, product

CSV_HEADER = "sku,jan,name,name_kana,price,tax_class,category,active\n"
CSV_ROWS = "A001,4901234567894,おにぎり鮭,オニギリサケ,138,reduced,おにぎり,1\nA002,,台所用洗剤,ダイドコロヨウセンザイ,398,standard,日用品,1\n"


def test_upsert_creates_then_updates_by_sku(api: Api) -> None:
    first = api.client.post("/v1/admin/products", json=[product("A001", 138, "reduced")], headers=api.admin)
    assert first.json() == {"created": 1, "updated": 0, "errors": []}
    second = api.client.post(
        "/v1/admin/products", json=[product("A001", 150, "reduced"), product("A002", 398)], headers=api.admin
    )
    assert second.json() == {"created": 1, "updated": 1, "errors": []}
    stored = api.client.get("/v1/admin/products/A001", headers=api.admin).json()
    assert stored["price"] == 150 and stored["tax_class"] == "reduced"


def test_unknown_product_is_404(api: Api) -> None:
    answer = api.client.get("/v1/admin/products/NOPE", headers=api.admin)
    assert answer.status_code == 404
    assert answer.headers["content-type"] == "application/problem+json"


def test_invalid_product_list_saves_nothing(api: Api) -> None:
    bad = [product("A001", 100), product("A002", -5)]
    answer = api.client.post("/v1/admin/products", json=bad, headers=api.admin)
    assert answer.status_code == 422
    assert answer.json()["errors"][0]["loc"][:3] == ["body", 1, "price"]
    assert api.client.get("/v1/admin/products/A001", headers=api.admin).status_code == 404


def test_bad_jan_and_tax_class_are_refused(api: Api) -> None:
    for bad in (
        product("A1", 100, jan="4901234567890"),
        product("A1", 100, tax_class="zero"),
        product("A 1", 100),
    ):
        assert api.client.post("/v1/admin/products", json=[bad], headers=api.admin).status_code == 422


def _import(api: Api, data: bytes, content_type: str = "text/csv") -> tuple[int, dict]:  # type: ignore[type-arg]
    answer = api.client.post(
        "/v1/admin/products/import", content=data, headers={**api.admin, "Content-Type": content_type}
    )
    return answer.status_code, answer.json()


def test_csv_utf8(api: Api) -> None:
    status, body = _import(api, (CSV_HEADER + CSV_ROWS).encode("utf-8"))
    assert (status, body) == (200, {"created": 2, "updated": 0, "errors": []})
    assert api.client.get("/v1/admin/products/A001", headers=api.admin).json()["name"] == "おにぎり鮭"


def test_csv_utf8_with_bom_and_crlf(api: Api) -> None:
    data = ("\ufeff" + CSV_HEADER + CSV_ROWS).replace("\n", "\r\n").encode("utf-8")
    status, body = _import(api, data)
    assert status == 200 and body["created"] == 2
    assert (
        api.client.get("/v1/admin/products/A002", headers=api.admin).json()["name_kana"]
        == "ダイドコロヨウセンザイ"
    )


def test_csv_cp932_as_excel_saves_it(api: Api) -> None:
    data = (CSV_HEADER + CSV_ROWS + "A003,,ゴミ袋 45L ①,ゴミブクロ,218,standard,日用品,1\n").replace(
        "\n", "\r\n"
    )
    status, body = _import(api, data.encode("cp932"))
    assert (status, body["created"]) == (200, 3)
    assert api.client.get("/v1/admin/products/A003", headers=api.admin).json()["name"] == "ゴミ袋 45L ①"


def test_csv_as_multipart_file(api: Api) -> None:
    answer = api.client.post(
        "/v1/admin/products/import",
        files={"file": ("products.csv", (CSV_HEADER + CSV_ROWS).encode("utf-8"), "text/csv")},
        headers=api.admin,
    )
    assert answer.status_code == 200
    assert answer.json()["created"] == 2


def test_csv_with_one_bad_row_imports_nothing(api: Api) -> None:
    data = CSV_HEADER + CSV_ROWS + "A003,,乾電池,カンデンチ,abc,standard,日用品,1\n"
    status, body = _import(api, data.encode("utf-8"))
    assert status == 422
    assert body["created"] == 0 and body["updated"] == 0
    assert [error["row"] for error in body["errors"]] == [3]
    assert api.client.get("/v1/admin/products/A001", headers=api.admin).status_code == 404


def test_csv_with_missing_columns_is_refused(api: Api) -> None:
    status, body = _import(api, "sku,name\nA001,おにぎり\n".encode())
    assert status == 422
    assert body["errors"][0]["row"] == 0
    assert "price" in body["errors"][0]["message"] and "tax_class" in body["errors"][0]["message"]


def test_csv_with_duplicate_skus_is_refused(api: Api) -> None:
    status, body = _import(api, (CSV_HEADER + CSV_ROWS + "A001,,おにぎり梅,,128,reduced,,1\n").encode())
    assert status == 422
    assert body["errors"] == [{"row": 3, "message": "SKU A001 repeats row 1"}]


def test_csv_that_is_not_text_or_has_wrong_media_type(api: Api) -> None:
    status, body = _import(api, b"\xff\xfe\x00\x81\x00")
    assert status == 422 and body["errors"][0]["row"] == 0
    status, _ = _import(api, b"{}", content_type="application/json")
    assert status == 415


def test_csv_import_needs_admin(api: Api) -> None:
    answer = api.client.post(
        "/v1/admin/products/import", content=b"x", headers={**api.device(), "Content-Type": "text/csv"}
    )
    assert answer.status_code == 403


def test_csv_larger_than_the_limit_is_refused_and_imports_nothing(api: Api) -> None:
    from sync.server.products.router import MAX_CSV_BYTES

    row = "A9,,大きい,,100,standard,,1\n"
    data = (CSV_HEADER + CSV_ROWS + row * (MAX_CSV_BYTES // len(row.encode()) + 1)).encode()
    assert len(data) > MAX_CSV_BYTES
    status, body = _import(api, data)
    assert status == 413 and body["type"].endswith("/too-large") and "20 MB" in body["detail"]
    assert api.client.get("/v1/admin/products/A001", headers=api.admin).status_code == 404
