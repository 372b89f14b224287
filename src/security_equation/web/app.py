"""The FastAPI app: one page (``/``) and a JSON API under ``/api`` (reference at ``/docs``).

Every endpoint is a plain ``def``: FastAPI runs it in its thread pool, so the engine
(tens of milliseconds per evaluation) never blocks the event loop and requests run
concurrently. Limits:

- request bodies over :data:`MAX_BODY_BYTES` get 413 with a JSON message;
- sweeps, Monte Carlo samples and comparisons are capped (422 with a message), and at
  most :data:`MAX_HEAVY_AT_ONCE` sweeps, reports or comparisons compute at once (the
  others wait); after each, freed memory is handed back to the system;
- caches are bounded LRUs (:data:`CACHE_LIMITS`, also in ``GET /api/limits``): the
  composed bundled scenarios (``web.inputs._composed``, 64 entries: name × overrides);
  bundled frameworks are kept by ``treaty.frameworks`` (64 entries, one per file). No
  evaluation, figure or upload is kept after its response, so distinct requests leave
  memory where the largest allowed requests put it.

Errors are JSON, ``{"error", "message", "problems": [{"file", "line", "path", "message"}]}``:

- bad input gets 422 with the same located message as the command line
  (``<upload>:12 us.systems.x.launchers: must be >= 0, got -5``) and every problem;
- text that is not Unicode (a lone surrogate such as ``"\\ud800"``, which JSON may carry)
  gets 422 naming the field, before anything reads it;
- a ``ValueError``, ``OverflowError``, ``UnicodeError`` or ``RecursionError`` that the
  checks let through (a value the model cannot compute with) gets 422 with its message,
  never a traceback;
- anything else gets a JSON 500 that names nothing internal (the traceback is logged) and
  keeps the connection open (:class:`CatchAll`).

Security: nothing a request says is used as a file path (scenarios and frameworks are
bundled names, checked against the bundled list, or uploaded text); requests must name
this server in ``Host`` (loopback, ``--host``, ``--allow-host``: :class:`HostCheck`,
against DNS rebinding; other names get 400); every response carries
:data:`SECURITY_HEADERS` (a strict CSP with ``frame-ancestors 'none'``,
``X-Frame-Options: DENY``). ``/docs`` is a page of ours (``static/docs.html``) that lists
``/openapi.json``: FastAPI's Swagger and ReDoc pages load scripts from a CDN.
"""

from __future__ import annotations

import json
import logging
import math
import os
import re
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import FastAPI, File, Query, Request, UploadFile
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator
from starlette.datastructures import MutableHeaders
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from security_equation.io import paths
from security_equation.io.errors import InputError
from security_equation.io.jsonable import json_safe
from security_equation.io.loading import bundled_names
from security_equation.present.figures import ImageFormat, figure_bytes
from security_equation.present.figures import ScenarioPlotKind as PlotKind
from security_equation.present.tables import comparison
from security_equation.web import inputs

log = logging.getLogger(__name__)

STATIC = Path(__file__).resolve().parent / "static"
#: Largest request body accepted (an uploaded scenario is a few kB).
MAX_BODY_BYTES = 1_000_000
#: Sweep limits: axes, points (grid × samples).
MAX_SWEEP_AXES = 2
MAX_SWEEP_POINTS = 10_000
#: Monte Carlo samples in a report requested over the web.
MAX_REPORT_SAMPLES = 5_000
#: Columns of a comparison (scenarios × frameworks).
MAX_COMPARE_COLUMNS = 6
#: Edits per request.
MAX_SET_VALUES = 2_000
#: Heavy requests (sweeps, reports, comparisons, figures) computed at once; others wait
#: their turn. Each holds tens of MB of arrays at its peak, so this bounds the memory.
MAX_HEAVY_AT_ONCE = 2
#: The caches a request can fill, with their sizes (least recently used entries go).
CACHE_LIMITS = {"composed scenarios": inputs._composed.cache_info().maxsize}


def _release_memory() -> None:
    """Hand freed heap back to the system (glibc keeps it in per-thread arenas otherwise,
    so the server would stay at the peak of its largest requests)."""
    import ctypes
    import ctypes.util

    name = ctypes.util.find_library("c")
    if not name:
        return
    try:
        ctypes.CDLL(name).malloc_trim(0)
    except (OSError, AttributeError):  # not glibc
        pass


class ApiError(Exception):
    """An error with an HTTP status and a message for the client."""

    def __init__(self, status: int, message: str, error: str = "bad request") -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.error = error


def _printable(value: Any) -> Any:
    """``value`` with every string made encodable: a lone surrogate (``\\ud800``, which
    JSON text may carry but UTF-8 cannot) is written as its escape."""
    if isinstance(value, str):
        return value.encode("utf-8", "backslashreplace").decode("utf-8")
    if isinstance(value, dict):
        return {_printable(k): _printable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_printable(v) for v in value]
    return value


def _error(status: int, error: str, message: str, problems: list | None = None) -> JSONResponse:
    """A JSON error body; it always renders (text from the request is escaped if needed)."""
    body: dict[str, Any] = {"error": error, "message": message}
    if problems is not None:
        body["problems"] = problems
    return JSONResponse(_printable(body), status_code=status)


def _short(exc: BaseException, limit: int = 500) -> str:
    text = str(exc).strip() or type(exc).__name__
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _input_failure(exc: Exception) -> JSONResponse:
    """422 for an error the request's values caused deep in the model (a number too large
    to compute with, text that is not Unicode, ...): a message, never a traceback."""
    if isinstance(exc, UnicodeError):
        reason = getattr(exc, "reason", "") or _short(exc)
        message = f"the input contains text that is not valid Unicode ({reason}); send UTF-8 text"
    elif isinstance(exc, OverflowError):
        message = f"a number in the input is too large to compute with ({_short(exc)})"
    elif isinstance(exc, RecursionError):
        message = "the input is nested too deeply"
    else:
        message = _short(exc)
    log.info("request refused: %s: %s", type(exc).__name__, _printable(_short(exc)))
    problem = {"file": None, "line": None, "path": "", "message": message}
    return _error(422, "invalid input", message, [problem])


#: A UTF-16 surrogate code point: JSON text may carry one (``"\\ud800"``), UTF-8 cannot.
_SURROGATE = re.compile("[\ud800-\udfff]")


def _refuse_surrogates(value: Any, path: str = "") -> None:
    """A located ``InputError`` for the first string (or key) holding a lone surrogate."""
    if isinstance(value, str):
        found = _SURROGATE.search(value)
        if found:
            code = f"\\u{ord(found.group()):04x}"
            raise InputError.single(
                f"text is not valid Unicode: lone surrogate {code} at character {found.start() + 1}",
                path=_printable(path),
            )
    elif isinstance(value, dict):
        for key, item in value.items():
            where = f"{path}.{key}" if path else str(key)
            _refuse_surrogates(key, where)
            _refuse_surrogates(item, where)
    elif isinstance(value, list | tuple):
        for k, item in enumerate(value):
            _refuse_surrogates(item, f"{path}.{k}" if path else str(k))


class CatchAll:
    """ASGI middleware: an unexpected exception becomes a JSON 500 that names nothing
    internal (the traceback goes to the log). Unlike Starlette's own handler it does not
    re-raise, so the server keeps the connection open for the next request."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def watch(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, receive, watch)
        except Exception:
            log.exception("unexpected error in %s %s", scope.get("method"), scope.get("path"))
            if started:  # too late for a response of our own
                raise
            response = _error(
                500, "internal error", "the server could not handle this request (the error is logged)"
            )
            await response(scope, receive, send)


#: Host names (``Host`` header, port aside) every server answers to: loopback.
LOOPBACK_HOSTS = ("localhost", "127.0.0.1", "[::1]")
#: The host name of Starlette's in-process TestClient, accepted only from it (its ASGI
#: ``server`` is that name; a real socket's is an address, whatever the request says).
IN_PROCESS_HOSTS = ("testserver",)
#: Further host names, comma-separated, for apps the factory builds in worker processes
#: (``seceq serve`` sets it from ``--host`` and ``--allow-host``).
HOSTS_ENV = "SECEQ_ALLOWED_HOSTS"

#: The page's content security policy, sent with every response: nothing from other hosts,
#: no inline script or style, and no framing (clickjacking).
CSP = (
    "default-src 'self'; img-src 'self' blob: data:; style-src 'self'; script-src 'self'; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}


def host_name(value: str) -> str:
    """The name in a ``Host`` header or ``--host`` value, lower case, port and final dot
    dropped: ``LocalHost:8000`` → ``localhost``, ``[::1]:8000`` and ``::1`` → ``[::1]``."""
    text = value.strip().lower()
    if text.startswith("["):
        end = text.find("]")
        return text[: end + 1] if end > 0 else text
    if text.count(":") > 1:  # a bare IPv6 address
        return f"[{text}]"
    return text.split(":", 1)[0].rstrip(".")


def allowed_hosts(extra: Iterable[str] = ()) -> frozenset[str]:
    """Loopback names, ``extra`` and the names in ``$SECEQ_ALLOWED_HOSTS``; ``*`` in
    either turns the check off."""
    names = [*LOOPBACK_HOSTS, *extra, *os.environ.get(HOSTS_ENV, "").split(",")]
    return frozenset(h if h.strip() == "*" else host_name(h) for h in names if h.strip())


class HostCheck:
    """ASGI middleware: answer only requests whose ``Host`` names this server.

    A web page on another site can point its own host name at 127.0.0.1 (DNS rebinding)
    and then read the API as if it were the same site; its requests still carry that
    name, so they get 400 here.
    """

    def __init__(self, app: ASGIApp, hosts: Iterable[str]) -> None:
        self.app = app
        self.hosts = frozenset(hosts)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket") or "*" in self.hosts:
            await self.app(scope, receive, send)
            return
        raw = dict(scope.get("headers") or []).get(b"host", b"").decode("latin-1")
        name = host_name(raw)
        server = scope.get("server") or ("",)
        if name in self.hosts or (name in IN_PROCESS_HOSTS and server[0] == name):
            await self.app(scope, receive, send)
            return
        log.warning("refused a request for host %r", raw)
        shown = f"'{raw}'" if raw else "(none)"
        response = _error(
            400,
            "bad host",
            f"this server does not answer to the host name {shown}; use one of "
            f"{', '.join(sorted(h for h in self.hosts))} (seceq serve --allow-host adds names)",
        )
        await response(scope, receive, send)


class SecurityHeaders:
    """ASGI middleware: :data:`SECURITY_HEADERS` on every response (a route's own value wins)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def add(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for key, value in SECURITY_HEADERS.items():
                    headers.setdefault(key, value)
            await send(message)

        await self.app(scope, receive, add)


class BodyLimit:
    """ASGI middleware: refuse bodies over ``limit`` bytes with 413 before the app reads them.

    Declared lengths are checked up front; streamed (chunked) bodies are read into memory
    up to the limit and then replayed to the app.
    """

    def __init__(self, app: ASGIApp, limit: int = MAX_BODY_BYTES) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        too_large = _error(
            413, "request too large", f"the request body is larger than the limit of {self.limit:,} bytes"
        )
        headers = dict(scope.get("headers") or [])
        declared = headers.get(b"content-length")
        if declared is not None:
            try:
                size = int(declared)
            except ValueError:
                size = -1
            if size > self.limit:
                await too_large(scope, receive, send)
                return
        if scope.get("method") in ("GET", "HEAD", "OPTIONS", "DELETE"):
            await self.app(scope, receive, send)
            return
        chunks: list[bytes] = []
        total = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            body = message.get("body", b"")
            total += len(body)
            if total > self.limit:
                await too_large(scope, receive, send)
                return
            chunks.append(body)
            if not message.get("more_body", False):
                break
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": b"".join(chunks), "more_body": False}
            return await receive()

        await self.app(scope, replay, send)


# --------------------------------------------------------------------------- request bodies
class Body(BaseModel):
    """A JSON request body. Its text must be Unicode: JSON may escape a lone surrogate
    (``"\\ud800"``) that no UTF-8 file, YAML parser or response can hold, so such a body
    is refused up front with the path of the string (422)."""

    @model_validator(mode="before")
    @classmethod
    def _unicode_only(cls, data: Any) -> Any:
        _refuse_surrogates(data)
        return data


class ScenarioSpec(Body):
    """Which scenario, with which edits. Give ``scenario`` (a bundled name) or ``yaml``
    (uploaded text; it may ``extends`` a bundled name)."""

    model_config = ConfigDict(
        extra="forbid",
        populate_by_name=True,
        json_schema_extra={
            "examples": [
                {
                    "scenario": "us-russia-2023",
                    "set": {"russia.systems.icbm_mobile.launchers": 120, "us.posture.alert": "generated"},
                }
            ]
        },
    )

    scenario: str | None = Field(None, description="A bundled scenario name (GET /api/scenarios).")
    yaml: str | None = Field(None, description="Uploaded scenario text (YAML).")
    overrides: list[str] = Field(
        default_factory=list, max_length=32, description="Named overrides defined in a bundled scenario."
    )
    set_values: dict[str, Any] = Field(
        default_factory=dict,
        alias="set",
        description="Dotted path -> value, like `seceq run --set`: "
        "{'russia.systems.icbm_mobile.launchers': 120}.",
    )
    framework: str | None = Field(
        None, description="A bundled treaty framework name (default: the scenario's own)."
    )


class EvaluateRequest(ScenarioSpec):
    sections: list[Literal["treaty", "drivers", "arms_race"]] = Field(
        default_factory=list, description="Optional sections to add (each costs time)."
    )


class PlotRequest(ScenarioSpec):
    attacker: str | None = Field(None, description="Draw-down of one side's first strike only.")


class Axis(Body):
    model_config = ConfigDict(extra="forbid")
    path: str = Field(description="Dotted path of a numeric field, e.g. us.systems.minuteman_iii.launchers")
    start: float = Field(allow_inf_nan=False)
    stop: float = Field(allow_inf_nan=False)
    num: int = Field(ge=1, le=MAX_SWEEP_POINTS)


class SweepRequest(ScenarioSpec):
    axes: list[Axis] = Field(min_length=1, description=f"At most {MAX_SWEEP_AXES} axes.")
    samples: int = Field(0, ge=0, description="Monte Carlo draws per grid point (0: nominal).")
    seed: int = Field(0, ge=0)


class CompareRequest(Body):
    model_config = ConfigDict(extra="forbid")
    scenarios: list[ScenarioSpec] = Field(
        min_length=1, description="Scenarios to compare; the first is the baseline."
    )
    frameworks: list[str] = Field(
        default_factory=list,
        description="Frameworks to compare each scenario under (e.g. two); empty: each scenario's own.",
    )
    labels: list[str] = Field(default_factory=list, description="Column labels (optional).")


class ReportRequest(ScenarioSpec):
    compare: list[ScenarioSpec] = Field(default_factory=list, max_length=3)
    samples: int = Field(0, ge=0, le=MAX_REPORT_SAMPLES)
    seed: int = Field(0, ge=0)


MEDIA = {"png": "image/png", "svg": "image/svg+xml"}


# --------------------------------------------------------------------------- helpers
def _load(spec: ScenarioSpec):
    if len(spec.set_values) > MAX_SET_VALUES:
        raise InputError.single(
            f"at most {MAX_SET_VALUES:,} edits per request, got {len(spec.set_values):,}", path="set"
        )
    scenario = inputs.load(spec.scenario, spec.yaml, spec.overrides, spec.set_values)
    return scenario, inputs.check_framework(spec.framework, scenario)


def _evaluate(scenario, framework, sections=()):
    from security_equation import model

    return model.evaluate(scenario, framework=framework, sections=tuple(sections))


def _evaluation_dict(scenario, framework, sections=()) -> dict:
    evaluation = _evaluate(scenario, framework, sections)
    data = evaluation.to_dict()
    from security_equation.treaty.frameworks import is_no_framework

    # A scenario under no framework (its own ``framework: none``) has no treaty to count.
    if "treaty" in sections and "treaty" not in data and not is_no_framework(framework or scenario.framework):
        from security_equation.analysis.figures import treaty_data

        data["treaty"] = treaty_data(scenario, framework, evaluation)
    data["framework"] = framework
    return json_safe(data)


def _json(data: Any, status: int = 200) -> JSONResponse:
    return JSONResponse(json_safe(data), status_code=status)


def _scenario_payload(scenario, name: str | None = None) -> dict:
    from security_equation.io import dump_scenario

    return {
        "name": name or scenario.name,
        "scenario": scenario.model_dump(mode="json"),
        "yaml": dump_scenario(scenario),
        # Values outside their plausible ranges (docs/model.md, "Plausible ranges").
        "warnings": [w.to_dict() for w in scenario.warnings],
    }


def _attachment(filename: str) -> dict[str, str]:
    safe = "".join(c if c.isalnum() or c in "-_." else "-" for c in filename) or "download"
    return {"Content-Disposition": f'attachment; filename="{safe}"'}


def _plot(kind: str, scenario, framework, fmt: str, attacker: str | None = None) -> Response:
    from security_equation.analysis.figures import make_figure

    fig = make_figure(kind, scenario, framework=framework, attacker=attacker)
    return Response(figure_bytes(fig, fmt), media_type=MEDIA[fmt], headers={"Cache-Control": "no-store"})


# --------------------------------------------------------------------------- the app
def create_app(hosts: Iterable[str] = ()) -> FastAPI:
    """The web app (a factory: ``uvicorn --factory security_equation.web.app:create_app``).

    It answers requests for the loopback names, ``hosts`` (``seceq serve`` passes its
    ``--host`` and ``--allow-host`` values) and the names in ``$SECEQ_ALLOWED_HOSTS``;
    other ``Host`` headers get 400 (see :class:`HostCheck`).
    """
    from security_equation import __version__

    app = FastAPI(
        title="Security Equation",
        version=__version__,
        description="Strategic stability between two or more nuclear powers: evaluate scenarios, "
        "treaty accounting, comparisons, sweeps, figures and reports. Scenarios are "
        "bundled names or uploaded YAML; edits are dotted-path `set` values.",
        # FastAPI's own /docs and /redoc load scripts from a CDN: /docs is our page instead.
        docs_url=None,
        redoc_url=None,
    )
    # Outermost first: headers on every response, then the host check, the JSON 500 and
    # the body limit (add_middleware puts each one outside those added before).
    app.add_middleware(BodyLimit, limit=MAX_BODY_BYTES)
    app.add_middleware(CatchAll)
    app.state.hosts = allowed_hosts(hosts)
    heavy_slots = threading.BoundedSemaphore(MAX_HEAVY_AT_ONCE)

    @contextmanager
    def heavy() -> Iterator[None]:
        """One of :data:`MAX_HEAVY_AT_ONCE` slots for a heavy request; memory back after."""
        with heavy_slots:
            try:
                yield
            finally:
                _release_memory()

    app.add_middleware(HostCheck, hosts=app.state.hosts)
    app.add_middleware(SecurityHeaders)

    @app.exception_handler(InputError)
    async def _input_error(request: Request, exc: InputError) -> JSONResponse:
        return _error(422, "invalid input", str(exc), [p.to_dict() for p in exc.problems])

    # Values the checks let through that the model cannot compute with (see the module
    # docstring): the request's fault, so 422 with a message rather than a 500.
    for kind in (ValueError, OverflowError, RecursionError):  # ValueError covers UnicodeError

        @app.exception_handler(kind)
        async def _bad_value(request: Request, exc: Exception) -> JSONResponse:
            return _input_failure(exc)

    @app.exception_handler(ApiError)
    async def _api_error(request: Request, exc: ApiError) -> JSONResponse:
        return _error(exc.status, exc.error, exc.message)

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        words = {400: "bad request", 404: "not found", 405: "method not allowed"}
        return _error(exc.status_code, words.get(exc.status_code, "error"), str(exc.detail))

    @app.exception_handler(RequestValidationError)
    @app.exception_handler(ValidationError)
    async def _request_error(request: Request, exc: RequestValidationError | ValidationError) -> JSONResponse:
        problems = []
        for err in exc.errors():
            loc = [str(p) for p in err.get("loc", ()) if p not in ("body", "query", "path")]
            problems.append({"path": ".".join(loc), "message": err.get("msg", "invalid")})
        message = "; ".join(f"{p['path']}: {p['message']}" if p["path"] else p["message"] for p in problems)
        return _error(422, "invalid request", message or "invalid request", problems)

    app.mount("/static", StaticFiles(directory=STATIC), name="static")

    @app.get("/", include_in_schema=False)
    def index() -> FileResponse:
        return FileResponse(STATIC / "index.html", media_type="text/html")

    @app.get("/docs", include_in_schema=False)
    def docs() -> FileResponse:
        """The API reference: a page of ours that lists /openapi.json (nothing external)."""
        return FileResponse(STATIC / "docs.html", media_type="text/html")

    @app.get("/api/health", tags=["meta"])
    def health() -> dict:
        return {"status": "ok", "version": __version__}

    # ---------------------------------------------------------------- scenarios
    @app.get("/api/scenarios", tags=["scenarios"])
    def scenarios() -> list[dict]:
        """The bundled scenarios: name, description, named overrides."""
        from security_equation.io.loading import bundled_catalogue

        return bundled_catalogue()

    @app.get("/api/scenarios/{name}", tags=["scenarios"])
    def scenario_get(name: str, format: Annotated[Literal["json", "yaml"], Query()] = "json") -> Any:
        """One bundled scenario, validated: JSON (with its YAML text) or YAML."""
        if name not in bundled_names():
            raise ApiError(404, str(inputs._unknown("scenarios", name, "name")), "not found")
        scenario = inputs.load(name)
        payload = _scenario_payload(scenario, name)
        if format == "yaml":
            return Response(
                payload["yaml"], media_type="application/yaml", headers=_attachment(f"{name}.yaml")
            )
        return _json(payload)

    @app.post("/api/scenario", tags=["scenarios"])
    def scenario_post(
        spec: ScenarioSpec, format: Annotated[Literal["json", "yaml"], Query()] = "json"
    ) -> Any:
        """Validate a scenario with its edits; return it as JSON or as a YAML download."""
        scenario, _ = _load(spec)
        payload = _scenario_payload(scenario)
        if format == "yaml":
            return Response(
                payload["yaml"],
                media_type="application/yaml",
                headers=_attachment(f"{scenario.name}-edited.yaml"),
            )
        return _json(payload)

    @app.post("/api/upload", tags=["scenarios"])
    def upload(file: Annotated[UploadFile, File(description="A scenario YAML file.")]) -> Any:
        """Validate an uploaded scenario file; returns it as JSON with its text."""
        raw = file.file.read(MAX_BODY_BYTES + 1)
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise InputError.single("file is not UTF-8 text", file=inputs.UPLOAD) from None
        scenario = inputs.scenario_from_upload(text)
        payload = _scenario_payload(scenario)
        payload["yaml"] = text
        return _json(payload)

    @app.get("/api/frameworks", tags=["treaty"])
    def frameworks() -> list[dict]:
        """The bundled treaty frameworks."""
        from security_equation.treaty import load_framework

        return [{"name": n, "title": load_framework(n).title} for n in bundled_names("frameworks")]

    # ---------------------------------------------------------------- analysis
    @app.post("/api/evaluate", tags=["analysis"])
    def evaluate(request: EvaluateRequest) -> Any:
        """FSI, each side's r with the uncapped C1/C2 behind it (``c1_over_c2``), costs,
        survivors and arriving warheads, the exchange both ways, posture and assumptions
        (and optional sections)."""
        scenario, framework = _load(request)
        return _json(_evaluation_dict(scenario, framework, tuple(request.sections)))

    @app.post("/api/treaty", tags=["treaty"])
    def treaty(spec: ScenarioSpec) -> Any:
        """Treaty accounting: counted totals, limits, headroom, upload potential, per side
        and, where the framework limits a coalition's aggregate, per coalition
        (``coalitions``: the members' totals summed, with their upload potential)."""
        from security_equation.analysis.figures import treaty_data

        scenario, framework = _load(spec)
        return _json(treaty_data(scenario, framework))

    @app.post("/api/compare", tags=["analysis"])
    def compare(request: CompareRequest) -> Any:
        """Metrics of several scenarios (or one under several frameworks) side by side, with
        differences against the first column."""
        frameworks = request.frameworks or [None]
        columns = len(request.scenarios) * len(frameworks)
        if columns > MAX_COMPARE_COLUMNS:
            raise InputError.single(
                f"at most {MAX_COMPARE_COLUMNS} columns (scenarios × frameworks), got {columns}",
                path="scenarios",
            )
        for k, fw in enumerate(frameworks):
            if fw is not None:
                inputs.check_name(fw, "frameworks", f"frameworks.{k}")
        with heavy():
            results = []
            for spec in request.scenarios:
                scenario, own = _load(spec)
                for fw in frameworks:
                    framework = fw or own
                    label = (
                        request.labels[len(results)]
                        if len(results) < len(request.labels)
                        else scenario.name + (f" @ {fw}" if fw else "")
                    )
                    sections = ("treaty",) if framework else ()
                    results.append((label, _evaluation_dict(scenario, framework, sections)))
            return _json(comparison(results))

    @app.post("/api/sweep", tags=["analysis"])
    def sweep(
        request: SweepRequest, format: Annotated[Literal["json", "png", "svg"], Query()] = "json"
    ) -> Any:
        """FSI and every metric over a grid of one or two fields (capped in size)."""
        from security_equation.analysis.executors import LocalExecutor
        from security_equation.analysis.plans import Axis as GridAxis
        from security_equation.analysis.sweep import run_sweep

        if len(request.axes) > MAX_SWEEP_AXES:
            raise InputError.single(f"at most {MAX_SWEEP_AXES} axes, got {len(request.axes)}", path="axes")
        points = math.prod(a.num for a in request.axes) * max(request.samples, 1)
        if points > MAX_SWEEP_POINTS:
            raise InputError.single(
                f"the sweep has {points:,} points (grid × samples); the limit here is {MAX_SWEEP_POINTS:,}",
                path="axes",
            )
        for k, a in enumerate(request.axes):
            try:
                paths.split(a.path)
            except ValueError as exc:
                raise InputError.single(str(exc), path=f"axes.{k}.path") from None
        scenario, _ = _load(request)
        axes = [GridAxis(a.path, a.start, a.stop, a.num) for a in request.axes]
        with heavy():
            ds = run_sweep(
                scenario, axes, samples=request.samples, seed=request.seed, executor=LocalExecutor(1)
            )
            if format != "json":
                from security_equation.present.sweep_plots import fsi_heatmap_figure

                return Response(figure_bytes(fsi_heatmap_figure(ds), format), media_type=MEDIA[format])
            metrics = {}
            for name, var in ds.data_vars.items():
                if var.attrs.get("role") != "metric":
                    continue
                if "sample" in var.dims:
                    var = var.median(dim="sample")
                metrics[str(name)] = var.values.tolist()
            return _json(
                {
                    "scenario": scenario.name,
                    "points": points,
                    "axes": [{"path": a.path, "values": a.values.tolist()} for a in axes],
                    "samples": request.samples,
                    "seed": request.seed,
                    "note": "with samples, each metric is the median over the samples",
                    "swept_values": json.loads(ds.attrs["swept_values"]),
                    "edited_values": json.loads(ds.attrs["edited_values"]),
                    "metrics": metrics,
                }
            )

    # ---------------------------------------------------------------- figures and report
    @app.post(
        "/api/plot/{kind}",
        tags=["figures"],
        responses={200: {"content": {"image/png": {}, "image/svg+xml": {}}}},
    )
    def plot(
        kind: PlotKind, request: PlotRequest, format: Annotated[ImageFormat, Query()] = ImageFormat.png
    ) -> Response:
        """A figure of the (edited) scenario as PNG or SVG."""
        scenario, framework = _load(request)
        return _plot(kind.value, scenario, framework, format.value, request.attacker)

    @app.get(
        "/api/plot/{kind}",
        tags=["figures"],
        responses={200: {"content": {"image/png": {}, "image/svg+xml": {}}}},
    )
    def plot_get(
        kind: PlotKind,
        scenario: str = inputs.DEFAULT_SCENARIO,
        format: Annotated[ImageFormat, Query()] = ImageFormat.png,
        framework: str | None = None,
    ) -> Response:
        """A figure of a bundled scenario as given (for links and ``<img>``)."""
        spec = ScenarioSpec(scenario=scenario, framework=framework)
        loaded, fw = _load(spec)
        return _plot(kind.value, loaded, fw, format.value)

    @app.post("/api/report", tags=["figures"], responses={200: {"content": {"text/html": {}}}})
    def report(request: ReportRequest) -> Response:
        """The self-contained HTML report of the (edited) scenario, as a download."""
        from security_equation.analysis.report import build_report

        scenario, framework = _load(request)
        others = []
        for k, spec in enumerate(request.compare):
            other, _ = _load(spec)
            label = other.name if other.name != scenario.name else f"{other.name} ({k + 2})"
            others.append((label, other))
        with heavy():
            html = build_report(
                scenario, framework=framework, compare=others, samples=request.samples, seed=request.seed
            )
        return Response(
            html, media_type="text/html; charset=utf-8", headers=_attachment(f"{scenario.name}-report.html")
        )

    app.state.limits = {
        "max_body_bytes": MAX_BODY_BYTES,
        "max_sweep_points": MAX_SWEEP_POINTS,
        "max_sweep_axes": MAX_SWEEP_AXES,
        "max_report_samples": MAX_REPORT_SAMPLES,
        "max_compare_columns": MAX_COMPARE_COLUMNS,
        "max_heavy_at_once": MAX_HEAVY_AT_ONCE,
        "caches": CACHE_LIMITS,
    }

    @app.get("/api/limits", tags=["meta"])
    def limits() -> dict:
        """The size limits this server applies."""
        return app.state.limits

    return app


def openapi_json() -> str:
    """The API description (for docs and clients)."""
    return json.dumps(create_app().openapi(), indent=2)
