"""Any figure of a scenario by name (``seceq plot KIND``, ``/api/plot/KIND``): run what the
figure shows (an evaluation, a treaty assessment, the arms race, Monte Carlo samples, a
sensitivity analysis or a sweep), then draw it with ``present``. The figures themselves
only take results.
"""

from __future__ import annotations

from collections.abc import Sequence

from matplotlib.figure import Figure

from security_equation.io.errors import InputError
from security_equation.model import Evaluation, evaluate
from security_equation.present import plots
from security_equation.present.figures import KINDS
from security_equation.schema.scenario import Scenario


def treaty_data(
    scenario: Scenario, framework: str | None = None, evaluation: Evaluation | None = None
) -> dict:
    """The treaty section as a dict: from the evaluation when it has one, else assessed."""
    if evaluation is not None and "treaty" in evaluation.sections:
        return evaluation.sections["treaty"].to_dict()
    from security_equation.treaty import assess

    return assess(scenario, framework or scenario.framework).to_dict()


def arms_race_data(
    scenario: Scenario, framework: str | None = None, evaluation: Evaluation | None = None
) -> dict:
    """The arms-race section as a dict: from the evaluation when it has one, else run."""
    if evaluation is not None and "arms_race" in evaluation.sections:
        return evaluation.sections["arms_race"].to_dict()
    from security_equation.model.race import arms_race_section

    return arms_race_section(scenario, framework=framework or scenario.framework).to_dict()


def make_figure(
    kind: str,
    scenario: Scenario,
    *,
    evaluation: Evaluation | None = None,
    framework: str | None = None,
    attacker: str | None = None,
    samples: int | None = None,
    seed: int = 0,
    method: str = "sobol",
    axes: Sequence[str] = (),
) -> Figure:
    """Build figure ``kind`` (see ``present.figures.KINDS``) for a scenario.

    ``evaluation`` is reused when given (else computed); ``framework`` is used by the
    treaty and race figures; ``attacker`` restricts the draw-down figure to one side;
    ``samples``/``seed``/``method`` drive the sensitivity and uncertainty figures;
    ``axes`` (``PATH=START:STOP:NUM``) the sweep heat map.
    """
    if kind not in KINDS:
        raise InputError.single(f"must be one of {', '.join(KINDS)}, got '{kind}'", path="KIND")
    if kind == "history":
        return plots.history_figure()
    if kind == "sensitivity":
        from security_equation.analysis.sensitivity import sensitivity
        from security_equation.present.sensitivity_plots import sensitivity_bar_figure

        return sensitivity_bar_figure(sensitivity(scenario, method, samples, seed))
    if kind == "uncertainty":
        from security_equation.analysis.montecarlo import monte_carlo, nominal_metrics

        n = 1000 if samples is None else int(samples)
        if n < 1:
            raise InputError.single(f"must be >= 1, got {n}", path="--samples")
        return plots.samples_figure(monte_carlo(scenario, n, seed), nominal_metrics(scenario))
    if kind == "sweep":
        from security_equation.analysis.sweep import run_sweep
        from security_equation.present.sweep_plots import fsi_heatmap_figure

        if not axes:
            raise InputError.single("give one or two --axis PATH=START:STOP:NUM", path="--axis")
        return fsi_heatmap_figure(run_sweep(scenario, list(axes), samples=samples or 0, seed=seed))
    if kind == "race":
        return plots.race_figure(arms_race_data(scenario, framework, evaluation), scenario.name)
    if kind == "treaty":
        return plots.treaty_figure(treaty_data(scenario, framework, evaluation))
    if evaluation is None:  # the exchange and the posture are all these figures show
        evaluation = evaluate(scenario, framework=framework, sections=())
    if kind == "forces":
        return plots.forces_figure(evaluation)
    if kind == "drawdown":
        return plots.drawdown_figure(evaluation, attacker)
    if kind == "square":
        return plots.square_figure(evaluation)
    if kind == "matrix":
        return plots.matrix_figure(evaluation)
    if kind == "two-peer":
        return plots.two_peer_figure(evaluation)
    return plots.waterfall_figure(evaluation)
