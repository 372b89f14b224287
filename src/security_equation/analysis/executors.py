"""Where chunks run: this process, local worker processes, or a Dask cluster.

An executor maps a chunk function ``fn(plan, (start, stop)) -> {metric: array}`` over
chunk ranges and yields ``((start, stop), result)`` as chunks finish (in any order).
The function must be a top-level (picklable) function such as
``security_equation.analysis.plans.run_chunk``. Chunks are submitted a few at a time so that
finished results never pile up in memory.

Results do not depend on the executor: every chunk computes its own values from the
plan and its index range (see ``analysis.plans``).

Local workers use the platform's default start method (``fork`` on Linux up to Python
3.13); where it is ``spawn``/``forkserver``, a script that starts a sweep needs the usual
``if __name__ == "__main__":`` guard.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from typing import Any, Protocol

from security_equation.io.errors import InputError

Chunk = tuple[int, int]
ChunkFn = Callable[[Any, Chunk], dict]
#: Chunks in flight per worker.
IN_FLIGHT_PER_WORKER = 2


class Executor(Protocol):
    workers: int

    def map(self, fn: ChunkFn, plan: Any, chunks: Sequence[Chunk]) -> Iterator[tuple[Chunk, dict]]: ...

    def close(self) -> None: ...


class LocalExecutor:
    """Chunks over a ``ProcessPoolExecutor`` (``workers=1``: in this process)."""

    def __init__(self, workers: int | None = None) -> None:
        if workers is not None and workers < 1:
            raise InputError.single(f"must be >= 1, got {workers}", path="--workers")
        self.workers = workers or os.cpu_count() or 1

    def __repr__(self) -> str:
        return f"LocalExecutor(workers={self.workers})"

    def map(self, fn: ChunkFn, plan: Any, chunks: Sequence[Chunk]) -> Iterator[tuple[Chunk, dict]]:
        chunks = list(chunks)
        if self.workers == 1 or len(chunks) <= 1:
            for chunk in chunks:
                yield chunk, fn(plan, chunk)
            return
        workers = min(self.workers, len(chunks))
        pending_chunks = iter(chunks)
        with ProcessPoolExecutor(max_workers=workers) as pool:
            running: dict = {}
            try:
                for chunk in pending_chunks:
                    running[pool.submit(fn, plan, chunk)] = chunk
                    if len(running) >= workers * IN_FLIGHT_PER_WORKER:
                        break
                while running:
                    done, _ = wait(running, return_when=FIRST_COMPLETED)
                    for future in done:
                        chunk = running.pop(future)
                        result = future.result()
                        nxt = next(pending_chunks, None)
                        if nxt is not None:
                            running[pool.submit(fn, plan, nxt)] = nxt
                        yield chunk, result
            finally:
                for future in running:
                    future.cancel()

    def close(self) -> None:
        pass

    def __enter__(self) -> LocalExecutor:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


class DaskExecutor:
    """Chunks on a Dask cluster: ``distributed.Client(address)`` (Dask is optional)."""

    def __init__(self, address: str, timeout: float = 10.0) -> None:
        try:
            from distributed import Client
        except ImportError:
            raise InputError.single(
                "running on a Dask cluster needs the optional dependency: "
                "pip install 'security-equation[dask]'",
                path="--scheduler",
            ) from None
        self.address = address
        _, _, hostport = address.rpartition("://")
        host, _, port = hostport.rpartition(":")
        if not host or not port.isdigit():
            raise InputError.single(
                f"expected a scheduler address like tcp://HOST:PORT, got '{address}'", path="--scheduler"
            )
        try:
            self.client = Client(address, timeout=timeout, set_as_default=False)
        except (OSError, TimeoutError, ValueError) as exc:
            raise InputError.single(
                f"cannot connect to the Dask scheduler at {address}: {exc}", path="--scheduler"
            ) from None

    def __repr__(self) -> str:
        try:
            return f"DaskExecutor({self.address!r}, workers={self.workers})"
        except Exception:  # closed
            return f"DaskExecutor({self.address!r})"

    @property
    def workers(self) -> int:
        return max(1, sum(self.client.nthreads().values()))

    def map(self, fn: ChunkFn, plan: Any, chunks: Sequence[Chunk]) -> Iterator[tuple[Chunk, dict]]:
        from distributed import as_completed

        chunks = list(chunks)
        if not chunks:
            return
        plan_future = self.client.scatter(plan, broadcast=True, hash=False)
        pending_chunks = iter(chunks)
        which: dict = {}

        def submit(chunk: Chunk):
            future = self.client.submit(
                fn,
                plan_future,
                chunk,
                pure=False,
                key=f"seceq-chunk-{chunk[0]}-{chunk[1]}-{os.urandom(4).hex()}",
            )
            which[future.key] = chunk
            return future

        first = [
            submit(c)
            for _, c in zip(range(self.workers * IN_FLIGHT_PER_WORKER), pending_chunks, strict=False)
        ]
        queue = as_completed(first, loop=self.client.loop)
        try:
            for future in queue:
                result = future.result()
                chunk = which.pop(future.key)
                nxt = next(pending_chunks, None)
                if nxt is not None:
                    queue.add(submit(nxt))
                future.release()
                yield chunk, result
        finally:
            queue.clear()
            plan_future.release()

    def close(self) -> None:
        self.client.close()

    def __enter__(self) -> DaskExecutor:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def make_executor(scheduler: str | None = None, workers: int | None = None) -> Executor:
    """``--scheduler tcp://HOST:PORT`` → Dask; else local processes (``--workers``)."""
    if scheduler:
        if workers is not None:
            raise InputError.single("give either --scheduler or --workers, not both", path="--workers")
        return DaskExecutor(scheduler)
    return LocalExecutor(workers)
