"""The FastAPI app: one page (``/``) and a JSON API under ``/api`` (docs at ``/docs``).

Every endpoint is a plain ``def``: FastAPI runs it in its thread pool, so the engine
(tens of milliseconds per evaluation) never blocks the event loop and requests run
concurrently. Limits:

- request bodies over :data:`MAX_BODY_BYTES` get 413 with a JSON message;
- sweeps, Monte Carlo samples and comparisons are capped (422 with a message);
- bad input gets 422 with the same located message as the command line
  (``<upload>:12 us.systems.x.launchers: must be >= 0, got -5``) and every problem;
- nothing a request says is used as a file path: scenarios and frameworks are bundled
  names (checked against the bundled list) or uploaded text.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import FastAPI, File, Query, Request, UploadFile
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from pydantic import BaseModel, ConfigDict, Field
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from security_equation.io.errors import InputError
from security_equation.io.jsonable import json_safe
from security_equation.io.loading import bundled_names
from security_equation.present.figures import ImageFormat, figure_bytes
from security_equation.present.figures import ScenarioPlotKind as PlotKind
from security_equation.present.tables import comparison
from security_equation.web import inputs

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


class ApiError(Exception):
    """An error with an HTTP status and a message for the client."""

    def __init__(self, status: int, message: str, error: str = "bad request") -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.error = error


def _error(status: int, error: str, message: str, problems: list | None = None) -> JSONResponse:
    body: dict[str, Any] = {"error": error, "message": message}
    if problems is not None:
        body["problems"] = problems
    return JSONResponse(body, status_code=status)


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
class ScenarioSpec(BaseModel):
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


class Axis(BaseModel):
    model_config = ConfigDict(extra="forbid")
    path: str = Field(description="Dotted path of a numeric field, e.g. us.systems.minuteman_iii.launchers")
    start: float
    stop: float
    num: int = Field(ge=1, le=MAX_SWEEP_POINTS)


class SweepRequest(ScenarioSpec):
    axes: list[Axis] = Field(min_length=1, description=f"At most {MAX_SWEEP_AXES} axes.")
    samples: int = Field(0, ge=0, description="Monte Carlo draws per grid point (0: nominal).")
    seed: int = Field(0, ge=0)


class CompareRequest(BaseModel):
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
    if "treaty" in sections and "treaty" not in data:
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
def create_app() -> FastAPI:
    """The web app (a factory: ``uvicorn --factory security_equation.web.app:create_app``)."""
    from security_equation import __version__

    app = FastAPI(
        title="Security Equation",
        version=__version__,
        description="Strategic stability between two nuclear powers: evaluate scenarios, "
        "treaty accounting, comparisons, sweeps, figures and reports. Scenarios are "
        "bundled names or uploaded YAML; edits are dotted-path `set` values.",
    )
    app.add_middleware(BodyLimit, limit=MAX_BODY_BYTES)

    @app.exception_handler(InputError)
    async def _input_error(request: Request, exc: InputError) -> JSONResponse:
        return _error(422, "invalid input", str(exc), [p.to_dict() for p in exc.problems])

    @app.exception_handler(ApiError)
    async def _api_error(request: Request, exc: ApiError) -> JSONResponse:
        return _error(exc.status, exc.error, exc.message)

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        words = {404: "not found", 405: "method not allowed"}
        return _error(exc.status_code, words.get(exc.status_code, "error"), str(exc.detail))

    @app.exception_handler(RequestValidationError)
    async def _request_error(request: Request, exc: RequestValidationError) -> JSONResponse:
        problems = []
        for err in exc.errors():
            loc = [str(p) for p in err.get("loc", ()) if p not in ("body", "query", "path")]
            problems.append({"path": ".".join(loc), "message": err.get("msg", "invalid")})
        message = "; ".join(f"{p['path']}: {p['message']}" if p["path"] else p["message"] for p in problems)
        return _error(422, "invalid request", message or "invalid request", problems)

    @app.middleware("http")
    async def _headers(request: Request, call_next):
        response = await call_next(request)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        if request.url.path == "/" or request.url.path.startswith("/static"):
            response.headers.setdefault(
                "Content-Security-Policy",
                "default-src 'self'; img-src 'self' blob: data:; style-src 'self'; "
                "script-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'",
            )
        return response

    app.mount("/static", StaticFiles(directory=STATIC), name="static")

    @app.get("/", include_in_schema=False)
    def index() -> FileResponse:
        return FileResponse(STATIC / "index.html", media_type="text/html")

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
        """Treaty accounting: counted totals, limits, headroom, upload potential."""
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
        scenario, _ = _load(request)
        axes = [GridAxis(a.path, a.start, a.stop, a.num) for a in request.axes]
        ds = run_sweep(scenario, axes, samples=request.samples, seed=request.seed, executor=LocalExecutor(1))
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
    }

    @app.get("/api/limits", tags=["meta"])
    def limits() -> dict:
        """The size limits this server applies."""
        return app.state.limits

    return app


def openapi_json() -> str:
    """The API description (for docs and clients)."""
    return json.dumps(create_app().openapi(), indent=2)
