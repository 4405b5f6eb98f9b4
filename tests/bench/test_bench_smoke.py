"""The benchmarks still run end to end (tiny sizes; numbers are for bench/*.md, not asserted here)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench import bench_terminal


@pytest.mark.slow
def test_terminal_benchmark_runs(tmp_path: Path) -> None:
    rows, info = bench_terminal.run(2_000, 100, tmp_path)
    assert [row.operation for row in rows] == [
        "scan-to-line",
        *(f"search: {name}" for name in bench_terminal.QUERY_CLASSES),
        "complete 5-line sale",
    ]
    assert all(row.p50 > 0 and row.max >= row.p99 >= row.p50 for row in rows)
    assert info["products"] == 2_000
    assert "| scan-to-line |" in bench_terminal.markdown(rows, info)
