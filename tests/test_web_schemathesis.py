"""Schemathesis against the app's own OpenAPI schema: no generated request gets a server error (5xx)."""

from __future__ import annotations

from pathlib import Path

import pytest

schemathesis = pytest.importorskip("schemathesis")
hypothesis = pytest.importorskip("hypothesis")

from lagebild.views.web import create_app  # noqa: E402

from crisis import crisis_store  # noqa: E402


def run_schema(path: Path, examples: int) -> None:
    """Every operation in the schema, `examples` generated requests each; none may answer 5xx."""
    schema = schemathesis.openapi.from_asgi("/openapi.json", create_app(crisis_store(path)))
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 10
    seen: list[str] = []
    for operation in operations:
        strategy, path = operation.as_strategy(), operation.path

        @hypothesis.given(case=strategy)
        @hypothesis.settings(max_examples=examples, deadline=None, derandomize=True, database=None,
                             suppress_health_check=list(hypothesis.HealthCheck))
        def check(case: schemathesis.Case) -> None:
            response = case.call()
            assert response.status_code < 500, (case.method, case.formatted_path, case.query, response.text[:300])
            seen.append(path)  # noqa: B023  (check() runs at once, inside this iteration)

        check()
    assert {"/", "/clusters/{cluster_id}", "/api/clusters", "/download/{fmt}"} <= set(seen)


def test_no_generated_request_gets_a_server_error(tmp_path: Path) -> None:
    run_schema(tmp_path / "crisis.duckdb", examples=6)


@pytest.mark.slow
def test_many_generated_requests_get_no_server_error(tmp_path: Path) -> None:
    run_schema(tmp_path / "crisis.duckdb", examples=200)
