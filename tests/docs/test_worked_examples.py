"""The worked examples in docs/examples/ quote numbers the model must still produce.

Every ``docs/examples/<scenario>.md`` (except the index, README.md) ends with a
machine-checkable HTML comment::

    <!-- checked-values
    scenario: us-russia-2023
    fsi: 0.885
    sides.us.r: 0.885
    exchange.us_strikes_russia.curve.destroyed.4: 910.09
    treaty.sides.us.limits.deployed_warheads.counted: 1419
    drivers.drivers.item=gmd,action=interceptor.d_r_us: -4.92e-04
    us-russia-2023:sides.us.c1: 0.852
    conventional-prompt-strike@security-equation:treaty.compliant: false
    -->

Each line is ``path: value``. The path is dotted into the JSON of
``seceq run SCENARIO --format json`` (``security_equation.evaluate(...).to_dict()``);
inside a list a part is an index (``curve.spend.3``), the ``name``/``system`` of an entry
(``limits.deployed_warheads``) or ``key=value,key=value`` filters picking the one
matching entry. A path may start with ``OTHER:`` (another scenario), ``OTHER@FRAMEWORK:``
(``seceq run OTHER --framework FRAMEWORK``) or ``OTHER[a.b=1,c.d=2]:`` (``seceq run OTHER
--set a.b=1 --set c.d=2``); the scenario part may be the page's own. The value must match
within half a unit of its last quoted digit (``0.885`` ± 0.0005, ``1419`` ± 0.5),
which is the rounding the prose uses; ``true``/``false`` and words must match exactly.

An optional second block checks quoted Monte Carlo results (``seceq run SCENARIO
--samples N --seed S --format json``); paths are ``METRIC.STAT`` with STAT one of
``nominal``, ``median``, ``p05``, ``p95``, ``mean``::

    <!-- checked-monte-carlo
    scenario: us-russia-2023
    samples: 2000
    seed: 1
    fsi.p05: 0.802
    -->

The pages that carry this block are listed in ``MONTE_CARLO_PAGES``: a page that gains or
loses one must change that list too.

Every numeric value in a block must also appear in the prose above it (with or without
thousands separators, a leading minus written as - or −), so block and prose cannot
drift apart silently.
"""

from __future__ import annotations

import functools
import math
import re
from decimal import Decimal
from pathlib import Path

import pytest

import security_equation as se
from security_equation.io.loading import bundled_names

EXAMPLES = Path(__file__).resolve().parents[2] / "docs" / "examples"
EXAMPLE_FILES = sorted(p for p in EXAMPLES.glob("*.md") if p.name != "README.md")
BLOCK = re.compile(r"<!--\s*(checked-values|checked-monte-carlo)\s*\n(.*?)-->", re.S)
MC_STATS = ("nominal", "median", "p05", "p95", "mean")
MC_HEADER = ("scenario", "samples", "seed")
#: The worked examples that quote Monte Carlo results (a ``checked-monte-carlo`` block).
MONTE_CARLO_PAGES = (
    "conventional-prompt-strike",
    "deep-cuts-1000",
    "post-new-start-upload",
    "us-missile-defence-expansion",
    "us-russia-2023",
)


# ----------------------------------------------------------------------- parsing
def blocks(path: Path) -> dict[str, list[tuple[str, str]]]:
    """``{block kind: [(key, raw value), …]}`` in file order (keys may repeat)."""
    text = path.read_text(encoding="utf-8")
    out: dict[str, list[tuple[str, str]]] = {}
    for kind, body in BLOCK.findall(text):
        assert kind not in out, f"{path.name}: two '{kind}' blocks"
        rows = []
        for n, line in enumerate(body.splitlines(), 1):
            line = line.split(" #", 1)[0].strip()
            if not line:
                continue
            key, sep, value = line.rpartition(":")
            assert sep and key.strip() and value.strip(), (
                f"{path.name}: {kind} line {n} is not 'path: value': {line!r}"
            )
            rows.append((key.strip(), value.strip()))
        out[kind] = rows
    return out


def prose(path: Path) -> str:
    """The file without its checked blocks."""
    return BLOCK.sub("", path.read_text(encoding="utf-8"))


def header(rows: list[tuple[str, str]], name: str) -> str:
    found = [v for k, v in rows if k == name]
    assert len(found) == 1, f"block needs exactly one '{name}:' line"
    return found[0]


def tolerance(raw: str) -> float:
    """Half a unit of the last quoted digit (plus float noise)."""
    exponent = Decimal(raw).as_tuple().exponent
    return 0.5 * 10.0**exponent + 1e-12


def is_number(raw: str) -> bool:
    try:
        Decimal(raw)
    except ArithmeticError:
        return False
    return True


# ----------------------------------------------------------------------- resolving
def resolve(data, path: str):
    node = data
    for part in path.split("."):
        if isinstance(node, dict):
            if part not in node:
                raise KeyError(f"no key '{part}' (have: {', '.join(map(str, node))})")
            node = node[part]
        elif isinstance(node, list):
            if re.fullmatch(r"-?\d+", part):
                node = node[int(part)]
                continue
            if "=" in part:
                wanted = dict(item.split("=", 1) for item in part.split(","))
                hits = [
                    e
                    for e in node
                    if isinstance(e, dict) and all(str(e.get(k)) == v for k, v in wanted.items())
                ]
            else:
                hits = [e for e in node if isinstance(e, dict) and part in (e.get("name"), e.get("system"))]
            if len(hits) != 1:
                raise KeyError(f"'{part}' matches {len(hits)} list entries, not one")
            node = hits[0]
        else:
            raise KeyError(f"cannot index a {type(node).__name__} with '{part}'")
    return node


@functools.cache
def evaluation(name: str, framework: str | None = None, sets: tuple[str, ...] = ()) -> dict:
    scenario = se.load_scenario(name, set_values=list(sets) or None)
    return se.evaluate(scenario, framework=framework).to_dict()


@functools.cache
def monte_carlo_summary(name: str, samples: int, seed: int):
    from security_equation.analysis.montecarlo import monte_carlo, summarize

    return summarize(monte_carlo(se.load_scenario(name), samples, seed))


def mismatch(actual, raw: str) -> str | None:
    """None if ``actual`` matches the quoted ``raw`` value, else a description."""
    if raw.lower() in ("true", "false"):
        return None if actual is (raw.lower() == "true") else f"got {actual!r}"
    if not is_number(raw):
        return None if str(actual) == raw else f"got {actual!r}"
    if isinstance(actual, bool) or not isinstance(actual, (int, float)):
        return f"got {actual!r}, not a number"
    if not math.isfinite(actual):
        return f"got {actual!r}"
    tol = tolerance(raw)
    diff = abs(float(actual) - float(raw))
    return None if diff <= tol else f"got {actual:.6g} (off by {diff:.3g}, allowed {tol:.3g})"


PREFIX = re.compile(r"(?P<name>[\w.-]+)(?:\[(?P<sets>[^\]]*)\])?(?:@(?P<fw>[\w.-]+))?")


def split_key(key: str, own: str) -> tuple[str, str | None, tuple[str, ...], str]:
    """``[SCENARIO[SETS][@FRAMEWORK]:]path`` → (scenario, framework, sets, path)."""
    if ":" not in key:
        return own, None, (), key
    prefix, path = key.split(":", 1)
    match = PREFIX.fullmatch(prefix)
    assert match, f"bad scenario prefix {prefix!r}"
    sets = tuple(x.strip() for x in (match["sets"] or "").split(",") if x.strip())
    return match["name"], match["fw"], sets, path


# ----------------------------------------------------------------------- tests
def test_every_bundled_scenario_has_a_worked_example():
    names = bundled_names("scenarios")
    assert names, "no bundled scenarios found"
    have = {p.stem for p in EXAMPLE_FILES}
    missing = sorted(set(names) - have)
    assert not missing, f"docs/examples/ lacks a worked example for: {', '.join(missing)}"
    stray = sorted(have - set(names))
    assert not stray, f"docs/examples/ has examples for unknown scenarios: {', '.join(stray)}"


def test_the_index_links_every_example_and_quotes_its_fsi():
    index = (EXAMPLES / "README.md").read_text(encoding="utf-8")
    unlinked = [p.name for p in EXAMPLE_FILES if f"]({p.name})" not in index]
    assert not unlinked, f"docs/examples/README.md does not link: {', '.join(unlinked)}"
    # Table rows: | [name](name.md) | question | FSI | read it for |
    rows = re.findall(r"^\| \[([\w.-]+)\]\(\1\.md\) \|[^|]*\| *([\d.]+) *\|", index, re.M)
    assert {name for name, _ in rows} == {p.stem for p in EXAMPLE_FILES}
    problems = [
        f"{name}: FSI quoted {raw}, {why}"
        for name, raw in rows
        if (why := mismatch(evaluation(name, None)["fsi"], raw)) is not None
    ]
    assert not problems, "docs/examples/README.md: " + "; ".join(problems)


@pytest.mark.parametrize("path", EXAMPLE_FILES, ids=[p.stem for p in EXAMPLE_FILES])
def test_quoted_values_match_the_model(path: Path):
    found = blocks(path)
    assert "checked-values" in found, f"{path.name} has no <!-- checked-values … --> block"
    rows = found["checked-values"]
    own = header(rows, "scenario")
    assert own == path.stem, f"{path.name}: block is for scenario '{own}'"
    values = [(k, v) for k, v in rows if k != "scenario"]
    assert len(values) >= 10, f"{path.name}: only {len(values)} checked values"
    problems = []
    for key, raw in values:
        scenario, framework, sets, dotted = split_key(key, own)
        try:
            actual = resolve(evaluation(scenario, framework, sets), dotted)
        except (KeyError, IndexError) as exc:
            problems.append(f"{key}: {exc}")
            continue
        if (why := mismatch(actual, raw)) is not None:
            problems.append(f"{key}: quoted {raw}, {why}")
    assert not problems, f"{path.name}: quoted numbers no longer match the model:\n  " + "\n  ".join(problems)


def test_the_pages_quoting_monte_carlo_results_are_the_listed_ones():
    quoting = {p.stem for p in EXAMPLE_FILES if "checked-monte-carlo" in blocks(p)}
    assert quoting == set(MONTE_CARLO_PAGES), (
        f"pages with a checked-monte-carlo block: {sorted(quoting)}; listed: {sorted(MONTE_CARLO_PAGES)}"
    )


@pytest.mark.parametrize("page", MONTE_CARLO_PAGES)
def test_quoted_monte_carlo_intervals_match(page: str):
    path = EXAMPLES / f"{page}.md"
    found = blocks(path)
    assert "checked-monte-carlo" in found, f"{path.name} has no <!-- checked-monte-carlo … --> block"
    rows = found["checked-monte-carlo"]
    name = header(rows, "scenario")
    assert name == path.stem
    summary = monte_carlo_summary(name, int(header(rows, "samples")), int(header(rows, "seed")))
    problems = []
    for key, raw in rows:
        if key in MC_HEADER:
            continue
        metric, _, stat = key.rpartition(".")
        if stat == "nominal":
            problems.append(f"{key}: check nominal values in the checked-values block")
            continue
        if stat not in MC_STATS or metric not in summary.index:
            problems.append(f"{key}: unknown metric or statistic")
            continue
        if (why := mismatch(float(summary.loc[metric, stat]), raw)) is not None:
            problems.append(f"{key}: quoted {raw}, {why}")
    assert not problems, f"{path.name}: quoted Monte Carlo results no longer match:\n  " + "\n  ".join(
        problems
    )


def _spellings(raw: str) -> set[str]:
    """How a checked number may be written in the prose."""
    negative = raw.startswith("-")
    body = raw.lstrip("-+")
    whole, dot, frac = body.partition(".")
    grouped = f"{int(whole):,}" + dot + frac if whole.isdigit() else body
    forms = {body, grouped}
    if negative:
        return {sign + f for f in forms for sign in ("-", "−", "minus ")}
    return forms


@pytest.mark.parametrize("path", EXAMPLE_FILES, ids=[p.stem for p in EXAMPLE_FILES])
def test_every_checked_value_is_quoted_in_the_prose(path: Path):
    text = prose(path)
    missing = []
    for rows in blocks(path).values():
        for key, raw in rows:
            if key in MC_HEADER or not is_number(raw):
                continue
            pattern = "|".join(re.escape(s) for s in sorted(_spellings(raw), key=len, reverse=True))
            if not re.search(rf"(?<![\d.,])(?:{pattern})(?![\d]|[.,]\d)", text):
                missing.append(f"{key}: {raw}")
    assert not missing, f"{path.name}: checked values not quoted in the prose:\n  " + "\n  ".join(missing)
