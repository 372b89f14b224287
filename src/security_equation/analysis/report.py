"""Everything the HTML report shows, computed: the evaluation, the treaty accounting, the
main drivers, the arms race, a Monte Carlo run and the scenarios compared. The report is
then drawn and rendered from these results by ``present.html``.

Each optional part is computed on its own, so that one failing (a scenario the framework
cannot count, say) leaves a note in its place and the rest of the report.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from security_equation.analysis.figures import treaty_data
from security_equation.analysis.sampling import require_uncertainty
from security_equation.io.errors import InputError
from security_equation.io.jsonable import json_safe
from security_equation.model import Evaluation, evaluate
from security_equation.present.figures import FORMATS
from security_equation.present.html import ReportData, ReportSection, render_report
from security_equation.present.tables import comparison, metric_digits
from security_equation.schema.scenario import Scenario

#: Most scenarios a report compares against the main one.
MAX_COMPARE = 8


def evaluate_for_report(scenario: Scenario, framework: str | None = None) -> Evaluation:
    """The evaluation a report shows: exchange and stability, without the optional sections
    (the report computes those one by one so that one failing leaves the rest)."""
    return evaluate(scenario, framework=framework, sections=())


def _treaty(scenario: Scenario, framework: str | None, evaluation: Evaluation) -> ReportSection:
    try:
        return ReportSection(json_safe(treaty_data(scenario, framework, evaluation)))
    except InputError as exc:
        return ReportSection(note=str(exc))


def _drivers(evaluation: Evaluation, data: dict) -> ReportSection:
    if "drivers" in data:
        return ReportSection(data["drivers"])
    from security_equation.model.race import drivers_section

    try:
        section = drivers_section(evaluation.exchange.arrays.take([0]), step=10.0, top=10)
        return ReportSection(json_safe(section.to_dict()))
    except InputError as exc:
        return ReportSection(note=str(exc))


def _race(scenario: Scenario, framework: str | None, data: dict) -> ReportSection:
    if "arms_race" in data:
        return ReportSection(data["arms_race"])
    from security_equation.model.race import arms_race_section

    try:
        section = arms_race_section(scenario, framework=framework, rounds=20)
        return ReportSection(json_safe(section.to_dict()))
    except InputError as exc:
        return ReportSection(note=str(exc))


def _uncertainty(scenario: Scenario, samples: int, seed: int) -> tuple[ReportSection, Any, dict]:
    """The Monte Carlo section, its samples (for the figure) and the nominal metrics."""
    from security_equation.analysis.montecarlo import monte_carlo, nominal_metrics, summary_rows

    ds = monte_carlo(scenario, samples, seed)
    nominal = nominal_metrics(scenario)
    rows = [{**row, "digits": metric_digits(row["metric"])} for row in summary_rows(ds, nominal)]
    data = {
        "samples": samples,
        "seed": seed,
        "parameters": [{"path": p, "distribution": d.describe()} for p, d in scenario.uncertainty.items()],
        "metrics": rows,
    }
    return ReportSection(data), ds, nominal


def _compared(evaluation: Evaluation, treaty: ReportSection) -> dict:
    data = json_safe(evaluation.to_dict())
    if treaty.data is not None and "treaty" not in data:
        data["treaty"] = treaty.data
    return data


def build_report(
    scenario: Scenario,
    *,
    framework: str | None = None,
    compare: Sequence[tuple[str, Scenario]] = (),
    samples: int = 0,
    seed: int = 0,
    image_format: str = "png",
    evaluation: Evaluation | None = None,
) -> str:
    """The report of ``scenario`` as one HTML document (a string).

    ``compare``: ``(label, scenario)`` pairs shown in a comparison table against the main
    scenario. ``samples`` > 0 adds a Monte Carlo section (needs uncertain parameters).
    ``image_format``: ``png`` (base64 ``data:`` URIs) or ``svg`` (inline). ``evaluation``
    of the scenario is reused when given.
    """
    if image_format not in FORMATS:
        raise InputError.single(
            f"must be one of {', '.join(FORMATS)}, got '{image_format}'", path="image_format"
        )
    if samples < 0:
        raise InputError.single(f"must be >= 0, got {samples}", path="--samples")
    if len(compare) > MAX_COMPARE:
        raise InputError.single(
            f"at most {MAX_COMPARE} scenarios to compare, got {len(compare)}", path="--compare"
        )
    if samples:
        require_uncertainty(scenario)
    framework = framework or scenario.framework
    evaluation = evaluation or evaluate_for_report(scenario, framework)
    data = json_safe(evaluation.to_dict())
    treaty = _treaty(scenario, framework, evaluation)
    compared = None
    if compare:
        columns = [(scenario.name, _compared(evaluation, treaty))]
        for label, other in compare:
            other_eval = evaluate_for_report(other, framework)
            columns.append((label, _compared(other_eval, _treaty(other, framework, other_eval))))
        compared = comparison(columns)
    report = ReportData(
        scenario=scenario,
        framework=framework,
        evaluation=evaluation,
        data=data,
        treaty=treaty,
        drivers=_drivers(evaluation, data),
        race=_race(scenario, framework, data),
        comparison=compared,
    )
    if samples:
        report.uncertainty, report.samples, report.nominal = _uncertainty(scenario, samples, seed)
    return render_report(report, image_format)
