"""Builders for small scenarios in tests: one system, one side, a two-sided scenario, the
same compiled to arrays, and missile and air defence layers.

``system``, ``side`` and the defence builders return plain mappings in the scenario
file's shape (what a YAML file would hold), so a test can change any field before
validation; ``scenario``, ``counting_scenario`` and ``compile_pair`` validate them through
the same loader as a file (``io.loading.validate``). Defaults are round values, not data:
a test states every number its assertions depend on.

    from tests.factories import compile_pair, side, system

    a = side({"icbm": system("icbm_silo", 100, 3, cep=100)}, w80=200)
    arrays = compile_pair(a, a)
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from security_equation.engine.arrays import ScenarioArrays
from security_equation.io.loading import validate
from security_equation.model.compile import compile_scenario
from security_equation.schema.scenario import FIXED_CATEGORIES, Scenario

#: Hardness (psi) of a silo, and of every other launcher base (a soft target), by default.
SILO_HARDNESS_PSI = 2000.0
SOFT_HARDNESS_PSI = 10.0
#: Alert shares (day-to-day, generated) of a survivable system when a test gives none.
ALERT = (0.5, 0.8)
#: Kill probability given to a non-nuclear system when a test gives none.
CONVENTIONAL_KILL = {"icbm_silo": 0.5}


def system(
    category: str = "icbm_silo",
    launchers: int = 10,
    warheads: float = 1,
    max_warheads: float | None = None,
    *,
    yield_kt: float = 300.0,
    cep: float = 150.0,
    reliability: float = 0.8,
    hardness: float | None = None,
    alert: tuple[float, float] | None = None,
    kill: Mapping[str, float] | None = None,
    **fields,
) -> dict:
    """A valid system mapping of ``category``.

    ``warheads`` per launcher; ``max_warheads`` (upload capacity) defaults to
    ``max(warheads, 1)``. ``hardness`` defaults to 2,000 psi for a silo and 10 psi for
    any other base; ``alert`` = (day-to-day, generated) shares, for survivable categories
    only (default 0.5, 0.8); ``kill`` = kill probability per target category (required by
    the schema for non-nuclear systems: default 0.5 on silos). Bombers and cruise
    missiles are not ballistic; bombers are heavy bombers. Any other schema field
    (``nuclear``, ``non_deployed_launchers``, ``heavy_bomber``, … and the long names
    ``warheads_per_launcher``, ``max_warheads_per_launcher``) is passed through
    ``fields`` and overrides the above.
    """
    out: dict = {
        "category": category,
        "nuclear": True,
        "ballistic": category not in ("bomber", "cruise_missile"),
        "launchers": launchers,
        "warheads_per_launcher": warheads,
        "max_warheads_per_launcher": max_warheads,
        "yield_kt": yield_kt,
        "cep_m": cep,
        "reliability": reliability,
        "hardness_psi": hardness
        if hardness is not None
        else (SILO_HARDNESS_PSI if category == "icbm_silo" else SOFT_HARDNESS_PSI),
    }
    if category == "bomber":
        out["heavy_bomber"] = True
    if category not in FIXED_CATEGORIES:
        day, generated = alert if alert is not None else ALERT
        out["alert_fraction"] = {"day_to_day": day, "generated": generated}
    elif alert is not None:
        raise ValueError("a fixed silo has no alert shares (use the posture's launch_under_attack)")
    if kill is not None:
        out["kill_probability"] = dict(kill)
    out.update(fields)
    if out["max_warheads_per_launcher"] is None:
        out["max_warheads_per_launcher"] = max(out["warheads_per_launcher"], 1)
    if not out["nuclear"] and "kill_probability" not in out:
        out["kill_probability"] = dict(CONVENTIONAL_KILL)
    return out


def side(
    systems: Mapping[str, dict],
    w80: float = 300.0,
    *,
    defences: Mapping[str, dict] | None = None,
    alert: str = "day_to_day",
    lua: float = 0.0,
    holdback: float = 0.0,
    per_target: int = 2,
    requirement: float | None = None,
    label: str | None = None,
    reserve: str | None = None,
    commits_to: Sequence[str] | None = None,
) -> dict:
    """A side mapping: its systems and defences, the countervalue base (``w80`` arriving
    warheads destroy 80 % of it), the posture (``alert``, launch under attack ``lua``,
    ``holdback`` share, most warheads ``per_target``) and, if given, the arriving-warheads
    ``requirement`` of the action-reaction model, the reserve for other adversaries
    (``reserve``: ``fixed`` or ``endogenous``, posture.reserve) and the sides it
    ``commits_to`` defend."""
    out: dict = {
        "systems": dict(systems),
        "defences": dict(defences or {}),
        "value": {"w80": w80},
        "posture": {
            "alert": alert,
            "launch_under_attack": lua,
            "holdback_fraction": holdback,
            "max_warheads_per_target": per_target,
        },
    }
    if requirement is not None:
        out["requirement"] = {"arriving_warheads": requirement}
    if label is not None:
        out["label"] = label
    if reserve is not None:
        out["posture"]["reserve"] = reserve
    if commits_to is not None:
        out["commits_to"] = list(commits_to)
    return out


def scenario(
    a: dict,
    b: dict | None = None,
    *,
    names: tuple[str, str] = ("a", "b"),
    framework: str = "new-start",
    name: str = "test",
    more: Mapping[str, dict] | None = None,
) -> Scenario:
    """Two side mappings validated into a scenario (``InputError`` if invalid). ``b``
    defaults to a side with a single small silo force (one launcher); ``more`` adds further
    sides by name, after the two (a scenario of three or more powers)."""
    other = b if b is not None else side({"icbm": system(launchers=1)})
    data = {"name": name, "framework": framework, "sides": {names[0]: a, names[1]: other, **(more or {})}}
    return validate(data, {})


def compile_pair(a: dict, b: dict | None = None, batch: int = 1, **kwargs) -> ScenarioArrays:
    """``scenario(a, b, **kwargs)`` compiled to arrays with ``batch`` identical members."""
    return compile_scenario(scenario(a, b, **kwargs), batch=batch)


def counting_scenario(
    systems: Mapping[str, dict],
    other_systems: Mapping[str, dict] | None = None,
    *,
    defences: Mapping[str, dict] | None = None,
    framework: str = "new-start",
    names: tuple[str, str] = ("us", "russia"),
) -> Scenario:
    """A scenario about the first side's forces (treaty counting tests): sides named
    ``us`` and ``russia``; the other side holds ``other_systems`` or one small silo
    force."""
    other = side(other_systems) if other_systems is not None else None
    return scenario(side(systems, defences=defences), other, names=names, framework=framework)


def missile_defence(
    interceptors: int,
    *,
    kill: float = 0.5,
    shots: int = 2,
    reliability: float = 0.9,
    protects: str = "value",
) -> dict:
    """A missile defence layer: ``interceptors`` with single-shot ``kill`` probability,
    up to ``shots`` per warhead, ``reliability`` of the whole system, defending ``value``,
    ``forces`` or ``both``."""
    return {
        "kind": "missile_defence",
        "interceptors": interceptors,
        "kill_probability": kill,
        "shots_per_warhead": shots,
        "system_reliability": reliability,
        "protects": protects,
    }


def air_defence(penetration: float) -> dict:
    """An air defence that lets ``penetration`` of bombers and cruise missiles through."""
    return {"kind": "air_defence", "penetration_probability": penetration}


def load_benchmark(filename: str, module_name: str):
    """A script of ``benchmarks/`` imported as a module (the tests reuse its generators)."""
    import importlib.util
    from pathlib import Path

    path = Path(__file__).resolve().parents[1] / "benchmarks" / filename
    spec = importlib.util.spec_from_file_location(module_name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def three_powers(names: tuple[str, str, str] = ("a", "b", "c"), **kwargs) -> Scenario:
    """A scenario of three unlike powers (multi-party tests): ``a`` with MIRVed silos and
    submarines, ``b`` with single-warhead silos and mobile missiles, ``c`` a small force of
    silos and submarines; ``kwargs`` go to :func:`scenario`."""
    a = side(
        {"silo": system("icbm_silo", 100, 3, cep=120), "ssbn": system("slbm", 10, 4, cep=200)},
        w80=300,
        label="Power A",
    )
    b = side(
        {"silo": system("icbm_silo", 80, 1, cep=150), "mobile": system("icbm_mobile", 50, 1, cep=200)},
        w80=300,
        label="Power B",
    )
    c = side(
        {"silo": system("icbm_silo", 30, 1, cep=250), "ssbn": system("slbm", 4, 4, cep=300)},
        w80=200,
        label="Power C",
    )
    return scenario(a, b, names=names[:2], more={names[2]: c}, **kwargs)


def powers(
    sides: Mapping[str, dict],
    *,
    coalitions: Mapping[str, Sequence[str]] | None = None,
    allocation: str | None = None,
    framework: str = "new-start",
    name: str = "test",
) -> Scenario:
    """Two to eight side mappings (name -> :func:`side`), in that order, validated into a
    scenario (``InputError`` if invalid), with ``coalitions`` (name -> member sides) and
    ``settings.allocation`` if given."""
    data: dict = {"name": name, "framework": framework, "sides": dict(sides)}
    if coalitions:
        data["coalitions"] = {k: list(v) for k, v in coalitions.items()}
    if allocation is not None:
        data["settings"] = {"allocation": allocation}
    return validate(data, {})


def unarmed_side(
    conventional: bool = False,
    w80: float = 300.0,
    *,
    defences: Mapping[str, dict] | None = None,
    **kwargs,
) -> dict:
    """A side without nuclear warheads (it needs one system): a silo force of no launchers,
    or, with ``conventional``, 50 prompt conventional missiles (kill probability 0.5 on
    silos). ``kwargs`` go to :func:`side`."""
    if conventional:
        systems = {"cps": system("icbm_mobile", 50, 1, nuclear=False, kill={"icbm_silo": 0.5})}
    else:
        systems = {"none": system("icbm_silo", 0, 1)}
    return side(systems, w80, defences=defences, **kwargs)


#: Five powers with two declared coalitions (nato, partners) and the UK and France committed
#: to the US: the multi-party output tests of the CLI, the presenters and the web.
COALITION_YAML = """\
extends: five-powers-2026
name: coalition-test
coalitions: {nato: [us, uk, france], partners: [russia, china]}
sides: {uk: {commits_to: [us]}, france: {commits_to: [us]}}
"""


# --------------------------------------------------------------------------- files
def write_in_cwd(tmp_path, monkeypatch, text: str, name: str = "scenario.yaml") -> str:
    """Write ``text`` to ``tmp_path / name`` and make ``tmp_path`` the working directory;
    the relative ``name`` (how error messages will name the file)."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / name).write_text(text, encoding="utf-8")
    return name


def line_of(text: str, needle: str) -> int:
    """1-based number of the first line of ``text`` containing ``needle``."""
    return next(i for i, line in enumerate(text.splitlines(), start=1) if needle in line)


#: The keys that open ``Evaluation.to_dict()``, in order, before ``sides``.
HEAD_KEYS = [
    "scenario",
    "description",
    "origin",
    "applied_overrides",
    "description_note",
    "edited_values",
    "fsi",
    "fsi_variants",
    "schelling",
]


# --------------------------------------------------------------------------- sweeps
#: The sweep of the store and fault tests: 21 × 11 grid × 20 samples = 4620 points, two
#: chunks of one block (4096 and 524).
SWEEP_AXES = ["russia.systems.icbm_mobile.launchers=0:400:21", "us.defences.gmd.interceptors=0:1000:11"]
SWEEP_SAMPLES = 20


def sweep_grid(scenario, seed: int = 4, **kwargs):
    """``run_sweep`` of ``scenario`` over :data:`SWEEP_AXES` × :data:`SWEEP_SAMPLES`
    samples (``kwargs``: output, executor, chunk_size, chunk_fn, progress, force)."""
    from security_equation.analysis.sweep import run_sweep

    return run_sweep(scenario, SWEEP_AXES, samples=SWEEP_SAMPLES, seed=seed, **kwargs)


def sweep_plan(scenario):
    """The plan of :func:`sweep_grid` (seed 4), for tests that run or store its chunks."""
    from security_equation.analysis.plans import build_plan, parse_axes

    return build_plan(scenario, parse_axes(SWEEP_AXES, scenario), samples=SWEEP_SAMPLES, seed=4)


def sweep_store(scenario, output):
    """The ``PartialStore`` a :func:`sweep_grid` with ``output`` resumes from."""
    from security_equation.analysis.store import PartialStore
    from security_equation.analysis.sweep import spec

    return PartialStore(output, spec(scenario, sweep_plan(scenario)))
