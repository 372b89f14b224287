"""Load test of the web API: many concurrent evaluate requests on loopback.

Starts a real uvicorn server (a subprocess: ``uvicorn --factory
security_equation.web.app:create_app``) on a free port, fires N evaluate requests at
once with ``httpx.AsyncClient`` (each with a different edit, so nothing can be cached),
and reports errors, p50/p99 latency and throughput::

    .venv/bin/python benchmarks/web_load.py                 # 200 requests, all at once
    .venv/bin/python benchmarks/web_load.py -n 500 -c 100   # 500 requests, 100 at a time
    .venv/bin/python benchmarks/web_load.py --url http://127.0.0.1:8000   # a running server

Exit code 1 if any request failed. ``tests/web/test_web_load.py`` runs the same
function with fewer requests.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator

import httpx
import numpy as np

EVALUATE = "/api/evaluate"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until_up(url: str, process: subprocess.Popen | None = None, timeout: float = 60.0) -> None:
    """Poll ``/api/health`` until the server answers (or fail with its output)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            out = process.stdout.read().decode(errors="replace") if process.stdout else ""
            raise RuntimeError(f"server exited with code {process.returncode}:\n{out}")
        try:
            if httpx.get(f"{url}/api/health", timeout=1.0).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    raise TimeoutError(f"server at {url} did not answer within {timeout:.0f} s")


@contextlib.contextmanager
def server(port: int | None = None, command: list[str] | None = None, workers: int = 1) -> Iterator[str]:
    """A uvicorn server in a subprocess on 127.0.0.1 (``workers`` processes); yields its URL."""
    port = port or free_port()
    command = command or [
        sys.executable,
        "-m",
        "uvicorn",
        "--factory",
        "security_equation.web.app:create_app",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--log-level",
        "warning",
        "--no-access-log",
    ]
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_up(url, process)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        if process.stdout:
            process.stdout.close()


def payload(i: int) -> dict:
    """Request ``i``: the default scenario with a different Russian mobile ICBM force."""
    return {"scenario": "us-russia-2023", "set": {"russia.systems.icbm_mobile.launchers": 100 + i % 150}}


async def load(url: str, requests: int = 200, concurrency: int | None = None) -> dict:
    """Send ``requests`` evaluate requests, at most ``concurrency`` in flight (default: all)."""
    concurrency = concurrency or requests
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    gate = asyncio.Semaphore(concurrency)
    latencies: list[float] = []
    errors: list[str] = []

    async with httpx.AsyncClient(base_url=url, limits=limits, timeout=300.0) as client:

        async def one(i: int) -> None:
            async with gate:
                started = time.perf_counter()
                try:
                    response = await client.post(EVALUATE, json=payload(i))
                    ok = response.status_code == 200 and 0.0 <= response.json()["fsi"] <= 1.0
                    if not ok:
                        errors.append(f"{response.status_code}: {response.text[:200]}")
                except (httpx.HTTPError, KeyError, ValueError, TypeError) as exc:
                    errors.append(f"{type(exc).__name__}: {exc}")
                    return
                latencies.append(time.perf_counter() - started)

        started = time.perf_counter()
        await asyncio.gather(*(one(i) for i in range(requests)))
        elapsed = time.perf_counter() - started
    ms = np.asarray(latencies) * 1000.0
    return {
        "requests": requests,
        "concurrency": concurrency,
        "errors": len(errors),
        "first_errors": errors[:5],
        "p50_ms": round(float(np.percentile(ms, 50)), 1) if ms.size else None,
        "p99_ms": round(float(np.percentile(ms, 99)), 1) if ms.size else None,
        "max_ms": round(float(ms.max()), 1) if ms.size else None,
        "seconds": round(elapsed, 3),
        "requests_per_second": round(requests / elapsed, 1) if elapsed > 0 else None,
    }


def run(
    requests: int = 200, concurrency: int | None = None, url: str | None = None, workers: int = 1
) -> dict:
    """The load test against ``url`` or against a fresh local server."""
    if url:
        return asyncio.run(load(url, requests, concurrency))
    with server(workers=workers) as local:
        # Warm-up (each worker): imports and first compiles are not what is measured.
        for i in range(2 * workers):
            httpx.post(f"{local}{EVALUATE}", json=payload(i), timeout=60.0).raise_for_status()
        return asyncio.run(load(local, requests, concurrency))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", "--requests", type=int, default=200)
    parser.add_argument(
        "-c",
        "--concurrency",
        type=int,
        default=None,
        help="requests in flight at once (default: all of them)",
    )
    parser.add_argument("--url", default=None, help="an already running server")
    parser.add_argument("-w", "--workers", type=int, default=1, help="server processes")
    parser.add_argument("--json", action="store_true", help="print the result as JSON")
    args = parser.parse_args(argv)
    result = run(args.requests, args.concurrency, args.url, args.workers)
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        print(
            f"{result['requests']} evaluate requests, {result['concurrency']} concurrent, "
            f"on loopback ({args.workers} server process(es)): {result['errors']} errors"
        )
        print(f"latency p50 {result['p50_ms']} ms, p99 {result['p99_ms']} ms, max {result['max_ms']} ms")
        print(
            f"throughput {result['requests_per_second']} requests/s "
            f"({result['seconds']} s in all; {os.cpu_count()} CPUs)"
        )
        for error in result["first_errors"]:
            print(f"  error: {error}")
    return 1 if result["errors"] else 0


if __name__ == "__main__":
    sys.exit(main())
