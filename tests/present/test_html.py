"""The HTML report: one self-contained file that opens offline and lists its provenance."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from security_equation.analysis.report import build_report
from security_equation.io import load_scenario
from security_equation.io.errors import InputError
from security_equation.model.provenance import provenance
from security_equation.present.html import write_report

EXTERNAL = re.compile(r"""(?:src|href|action|poster|data)\s*=\s*["']?\s*(?:https?:)?//""", re.I)


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.refs: list[tuple[str, str, str]] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name == "id":
                self.ids.add(value)
            if name in ("src", "href", "srcset", "action", "xlink:href") and value is not None:
                self.refs.append((tag, name, value))


def _parse(html: str) -> _Links:
    parser = _Links()
    parser.feed(html)
    return parser


@pytest.fixture(scope="module")
def report(scenario, evaluation):
    other = load_scenario("us-russia-2023", ["generated"])
    return build_report(scenario, compare=[("generated", other)], evaluation=evaluation)


@pytest.fixture(scope="module")
def per_tube_report():
    """us-russia-2023 aimed per tube at submarines in port (``aim_points_per_launcher`` 1, as
    before aim points): Russia's r is capped at 1 there, not as bundled."""
    sets = {
        "us.systems.trident_ii.aim_points_per_launcher": 1,
        "russia.systems.slbm.aim_points_per_launcher": 1,
    }
    scenario = load_scenario("us-russia-2023", set_values=sets)
    other = load_scenario("us-russia-2023", ["generated"], set_values=sets)
    return build_report(scenario, compare=[("generated", other)])


def test_report_is_self_contained(report):
    assert report.startswith("<!DOCTYPE html>")
    assert not EXTERNAL.search(report)
    links = _parse(report)
    for tag, name, value in links.refs:
        assert value.startswith(("#", "data:image/")), (tag, name, value[:80])
        if value.startswith("#"):
            assert value[1:] in links.ids, f"dangling anchor {value}"
    assert "<script" not in report.lower()
    assert "@import" not in report and "url(" not in report
    images = [v for _, n, v in links.refs if n == "src"]
    assert len(images) >= 5 and all(v.startswith("data:image/png;base64,") for v in images)


def test_report_has_every_section(report, evaluation):
    for section in (
        "summary",
        "forces",
        "treaty",
        "exchange",
        "stability",
        "arms-race",
        "comparison",
        "provenance",
    ):
        assert f'<section id="{section}">' in report
    assert 'id="uncertainty"' not in report  # not sampled
    assert f"FSI = {evaluation.fsi:.3f}" in report
    for name in evaluation.exchange.side_names:
        assert f"{evaluation.exchange.side(name)['r']:.3f}" in report


def test_report_shows_the_uncapped_ratio_next_to_r(per_tube_report):
    """Aimed per tube, Russia's r is capped at 1; the report shows the ratio C1/C2 behind
    it next to r (docs/model.md "Stability") in the summary, the drivers and the comparison."""
    report = per_tube_report
    summary = report[report.index('<section id="summary">') : report.index('<section id="forces">')]
    assert "C1/C2 = 1.030 (uncapped)" in summary and "C1/C2 = 0.875 (uncapped)" in summary
    assert '<th class="n">r</th><th class="n">C1/C2 (uncapped)</th>' in summary
    assert '<td class="n">1.000</td><td class="n">1.030</td>' in summary
    assert '<td class="n">0.875</td><td class="n">0.875</td>' in summary
    drivers = report[report.index('<section id="arms-race">') :]
    assert '<th class="n">d r russia</th><th class="n">d c1 over c2 russia</th>' in drivers
    assert "<td>C1/C2 (uncapped)</td>" in report[report.index('<section id="comparison">') :]


def test_report_lists_every_source_and_assumption(report, scenario, evaluation):
    for p in provenance(scenario):
        assert f"<code>{p.path}</code>" in report
    table = report[report.index('id="assumptions"') : report.index('id="provenance-table"')]
    assert table.count("<tr>") == len(evaluation.assumptions) + 1
    for a in evaluation.assumptions:
        assert f"<code>{a.path}</code>" in table
    sources = report[report.index('id="sources"') :]
    for sid in ("SD3", "NN-US23", "MFA1"):
        assert f"<b>{sid}</b>" in sources
    assert "Figures in this report" in report


def test_report_comparison_lines_up_the_scenarios(report):
    table = report[report.index('id="comparison-table"') :]
    table = table[: table.index("</table>")]
    assert '<th class="n">Δ = generated − us-russia-2023</th>' in table
    assert "Δ = column − us-russia-2023" in report
    generated = load_scenario("us-russia-2023", ["generated"])
    from security_equation.model import evaluate

    assert f"{evaluate(generated, sections=()).fsi:.3f}" in table


def test_report_comparison_delta_is_the_other_minus_this(scenario, evaluation):
    # The case: a report of the missile-defence scenario compared with the
    # baseline printed "Δ us-russia-2023 +0.045"; the column now says which minus which.
    from security_equation.model import evaluate

    defended = load_scenario("us-missile-defence-expansion")
    report = build_report(defended, compare=[("us-russia-2023", scenario)])
    table = report[report.index('id="comparison-table"') :]
    table = table[: table.index("</table>")]
    assert "Δ = us-russia-2023 − us-missile-defence-expansion" in table
    delta = evaluation.fsi - evaluate(defended, sections=()).fsi
    assert delta > 0.01
    fsi_row = table[table.index("<tbody>") :]  # the first row is FSI
    fsi_row = fsi_row[: fsi_row.index("</tr>")]
    assert "FSI" in fsi_row
    assert f">+{delta:.3f}<" in fsi_row


def test_report_treaty_section(report):
    treaty = report[report.index('<section id="treaty">') : report.index('<section id="exchange">')]
    assert "compliant" in treaty and "1,550" in treaty and "Upload potential" in treaty


def test_report_with_samples_and_inline_svg(uncertain, tmp_path):
    html = build_report(uncertain, samples=64, seed=3, image_format="svg")
    assert '<section id="uncertainty">' in html
    assert "64 samples, seed 3" in html
    assert "russia.systems.icbm_mobile.alert_fraction.day_to_day" in html
    assert "<svg" in html and "data:image/png" not in html
    assert "http://" not in html.split('id="sources"')[0]  # no namespace URLs in the figures
    assert not EXTERNAL.search(html)
    path = write_report(html, tmp_path / "r.html")
    assert path.read_text(encoding="utf-8") == html
    assert [p.name for p in tmp_path.iterdir()] == ["r.html"]


def test_report_rejects_bad_options(scenario, evaluation):
    with pytest.raises(InputError, match="image_format"):
        build_report(scenario, image_format="gif", evaluation=evaluation)
    certain = scenario.model_copy(update={"uncertainty": {}})
    with pytest.raises(InputError, match="no uncertain parameters"):
        build_report(certain, samples=10, evaluation=evaluation)


def test_report_escapes_scenario_text(scenario, evaluation):
    hostile = scenario.model_copy(update={"description": '<script>alert("x")</script>'})
    html = build_report(hostile, evaluation=evaluation)
    assert "<script>" not in html and "&lt;script&gt;" in html
