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

Local workers end with the process that started them: on Linux the kernel kills them
when it dies (``PR_SET_PDEATHSIG``), and everywhere a watchdog thread in each worker
exits when its parent is gone. Workers write nothing to the terminal (their stdout and
stderr are ``/dev/null``, so a pipe such as ``seceq sweep … | tee`` ends with the parent)
and ignore Ctrl-C: the parent stops them when it is interrupted (and when a chunk fails
or the caller stops iterating). :func:`stop_on_signals` turns ``SIGTERM`` into
``KeyboardInterrupt`` for a command line.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from typing import Any, Protocol

from security_equation.io.errors import InputError

Chunk = tuple[int, int]
ChunkFn = Callable[[Any, Chunk], dict]
#: Chunks in flight per worker.
IN_FLIGHT_PER_WORKER = 2
#: Seconds between checks, in a worker, that its parent still runs (and, in the parent,
#: for a signal while waiting on workers).
POLL_SECONDS = 0.25
_PR_SET_PDEATHSIG = 1


class Interrupted(KeyboardInterrupt):
    """A signal asked the command to stop (``signum``: ``SIGINT`` or ``SIGTERM``)."""

    def __init__(self, signum: int) -> None:
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


@contextlib.contextmanager
def stop_on_signals(signums: Sequence[int] = (signal.SIGINT, signal.SIGTERM)) -> Iterator[None]:
    """Within the block, ``SIGINT`` and ``SIGTERM`` raise :class:`Interrupted` (a
    ``KeyboardInterrupt``) in the main thread, even when the process started with them
    ignored; the previous handlers come back afterwards. Elsewhere than in the main
    thread this does nothing."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def handler(signum, frame):
        raise Interrupted(signum)

    previous = {}
    try:
        for signum in signums:
            previous[signum] = signal.signal(signum, handler)
        yield
    finally:
        for signum, old in previous.items():
            signal.signal(signum, old if old is not None else signal.SIG_DFL)


def _die_with(parent: int) -> None:
    """Exit this worker process as soon as ``parent`` is gone."""
    if sys.platform.startswith("linux"):
        with contextlib.suppress(Exception):
            import ctypes

            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(_PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0)
    if os.getppid() != parent:  # died before the line above
        os._exit(1)

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(POLL_SECONDS)
        os._exit(1)

    threading.Thread(target=watch, name="seceq-parent-watch", daemon=True).start()


def _worker_init(parent: int) -> None:
    """Pool worker start-up: end with the parent, no terminal output, no Ctrl-C."""
    _die_with(parent)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    with contextlib.suppress(OSError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        for fd in (1, 2):
            os.dup2(devnull, fd)
        os.close(devnull)


def _stop_pool(pool: ProcessPoolExecutor) -> None:
    """Stop a pool now: cancel what is queued and kill the workers (their chunks are lost,
    not half-saved: only the parent saves)."""
    processes = list((getattr(pool, "_processes", None) or {}).values())
    manager = getattr(pool, "_executor_manager_thread", None)
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        with contextlib.suppress(Exception):
            process.kill()
    for process in processes:
        with contextlib.suppress(Exception):
            process.join(timeout=5)
    # Let the pool's manager thread finish now: at interpreter exit, Python would wake it
    # while it closes its pipe (a "Bad file descriptor" traceback, Python 3.11).
    if manager is not None and manager is not threading.current_thread():
        manager.join(timeout=5)


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
        pool = ProcessPoolExecutor(max_workers=workers, initializer=_worker_init, initargs=(os.getpid(),))
        finished = False
        try:
            running: dict = {}
            for chunk in pending_chunks:
                running[pool.submit(fn, plan, chunk)] = chunk
                if len(running) >= workers * IN_FLIGHT_PER_WORKER:
                    break
            while running:
                # With a timeout, so that a signal handler (Ctrl-C) runs promptly.
                done, _ = wait(running, timeout=POLL_SECONDS, return_when=FIRST_COMPLETED)
                for future in done:
                    chunk = running.pop(future)
                    result = future.result()
                    nxt = next(pending_chunks, None)
                    if nxt is not None:
                        running[pool.submit(fn, plan, nxt)] = nxt
                    yield chunk, result
            finished = True
        finally:
            if finished:
                pool.shutdown(wait=True)
            else:  # interrupted, a chunk failed, or the caller stopped iterating
                _stop_pool(pool)

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
