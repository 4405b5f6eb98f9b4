"""Property-based API check: schemathesis drives every operation as admin, device, channel and nobody.

No 5xx anywhere, and every response fits its documented schema.
"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import content_type_conformance, response_schema_conformance

from tests.server.conftest import Api

PUBLIC = {"/healthz", "/v1/devices/pair"}
CHECKS = [not_a_server_error, response_schema_conformance, content_type_conformance]


@pytest.mark.slow
@pytest.mark.parametrize("api", ["sqlite"], indirect=True)
@pytest.mark.parametrize("caller", ["admin", "device", "channel", "none"])
def test_api_conforms_to_its_openapi_schema(api: Api, caller: str) -> None:
    api.store("S001")
    api.products({"sku": "A1", "name": "おにぎり", "price": 138, "tax_class": "reduced"})
    api.customer()
    app = api.client.app
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    tokens = {"admin": api.admin, "device": api.device("S001"), "channel": api.channel, "none": {}}
    headers = tokens[caller]
    operations = [result.ok() for result in schema.get_all_operations()]  # type: ignore[union-attr]
    assert len(operations) >= 20
    failures: list[str] = []
    statuses: list[int] = []
    opened: list[str] = []
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=25 if caller == "admin" else 8,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            database=None,
        )
        def run(case: schemathesis.Case) -> None:
            response = case.call(headers=headers)
            statuses.append(response.status_code)
            if 200 <= response.status_code < 300 and case.operation.path not in PUBLIC:
                opened.append(case.operation.label)
            case.validate_response(response, checks=CHECKS, headers=headers)

        try:
            run()
        except Exception as exc:  # noqa: BLE001 - collect every failing operation, not only the first
            failures.append(f"{operation.label}: {exc}")
    assert not failures, "\n\n".join(failures)
    # The run exercised real work, not only refusals (with no token, everything is refused).
    if caller == "none":
        assert opened == [], f"answered without a token: {sorted(set(opened))}"
    else:
        assert any(200 <= status < 300 for status in statuses)
        assert any(status == 422 for status in statuses)
