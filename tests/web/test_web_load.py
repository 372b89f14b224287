"""The load test of benchmarks/web_load.py, with fewer requests: a real uvicorn server on
loopback, concurrent evaluate requests through httpx, no errors."""

from __future__ import annotations

from tests.factories import load_benchmark


def _load_benchmark():
    return load_benchmark("web_load.py", "seceq_web_load_benchmark")


def test_concurrent_evaluate_requests_on_a_real_server():
    bench = _load_benchmark()
    result = bench.run(requests=40)
    assert result["errors"] == 0, result["first_errors"]
    assert result["requests"] == 40 and result["concurrency"] == 40
    assert 0 < result["p50_ms"] <= result["p99_ms"] <= result["max_ms"]
    assert result["requests_per_second"] > 0
