"""Issue 12: fuzz the command line with mutated bundled scenarios and frameworks.

For every mutated file, ``seceq run|treaty|arms-race FILE --format json`` (frameworks:
``seceq run|treaty us-russia-2023 --framework FILE``), run in-process through ``cli.main``:
exit 0 with JSON whose numbers are all finite, or exit 2 with a message that names the file
(or ``--set``) and, for a YAML file, the line; never an exception, a traceback or more than
a few seconds. Mutations known invalid must exit 2, known valid ones exit 0
(``tests/fuzz/mutations.py``). A failure prints the case key; re-run it with
``python benchmarks/fuzz.py --case KEY``.

About 200 cases by default (``FUZZ_EXAMPLES``); 10,000 under ``-m slow``.
"""

from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, Phase, example, given, settings

from tests.fuzz import mutations
from tests.fuzz.mutations import Case

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "200"))
#: No shrinking: a case is a seed, and shrinking a hang would cost 10 s a try.
COMMON = dict(
    deadline=None,
    phases=(Phase.explicit, Phase.reuse, Phase.generate),
    suppress_health_check=list(HealthCheck),
    derandomize=False,
)


def _check_cli(case: Case, directory) -> None:
    mutations.assert_passes(case, lambda: mutations.run_cli(case, directory), "cli")


@pytest.mark.parametrize(
    ("kind", "base", "command"),
    [
        (kind, base, command)
        for kind, base in mutations.all_bases()
        for command in (("run", "treaty", "arms-race") if kind == "scenario" else ("run", "treaty"))
    ],
)
def test_unmutated_bundled_files_pass(kind, base, command, fuzz_dir):
    """The harness itself: every bundled file, unmutated, passes every check."""
    case = mutations.unmutated(kind, base, command)
    assert case.expect("cli") == mutations.PASS
    _check_cli(case, fuzz_dir)


@pytest.mark.parametrize(("kind", "base"), mutations.all_bases())
def test_known_valid_mutations_pass(kind, base, fuzz_dir):
    """Reordered keys, comments, another YAML style and a benign anchor change nothing."""
    for seed in range(3):
        case = mutations.build_case(kind, base, seed, only=("reorder", "comments", "restyle"))
        assert case.expect("cli") == mutations.PASS, case.describe()
        _check_cli(case, fuzz_dir)


#: Cases that found a failure class once (issue 12 report), always run first.
REGRESSIONS = [
    "scenario:us-russia-2023:1609337231",  # --set us.posture={alert: generated} rejected
    "scenario:conventional-prompt-strike:429497919",  # override not a mapping: no line
    "scenario:counterforce-race:1313926537",  # TOML: unknown key located in the bundled base
    "scenario:counterforce-race:3134603515",  # raw DEL in a comment: no line
    "scenario:conventional-prompt-strike:317814271",  # extends itself: no line
    "framework:new-start:2426408673",  # framework extends itself: no line
    "scenario:us-russia-2023:745558046",  # a defence named '': ValueError from paths.split
    "scenario:us-missile-defence-expansion:2187582072",  # uncertainty problem located in the base
]


def _with_regressions(test):
    for key in reversed(REGRESSIONS):
        test = example(case=mutations.parse_key(key))(test)
    return test


@settings(max_examples=EXAMPLES, **COMMON)
@given(case=mutations.cases())
@_with_regressions
def test_fuzz_cli(case, fuzz_dir):
    _check_cli(case, fuzz_dir)


@pytest.mark.slow
@settings(max_examples=10_000, **COMMON)
@given(case=mutations.cases())
def test_fuzz_cli_10000(case, fuzz_dir):
    _check_cli(case, fuzz_dir)


def _check_process(case: Case, directory) -> None:
    out = mutations.run_process(case, directory, timeout=mutations.HANG_SECONDS + 10)
    assert not out.hung, case.describe()
    assert "Traceback" not in out.stderr, f"{case.describe()}\n{out.stderr[-3000:]}"
    assert out.code in (0, 2), f"exit {out.code}\n{case.describe()}\n{out.stderr[-3000:]}"


#: Fixed cases through a real ``seceq`` process (about 2 s each: the interpreter starts).
PROCESS_CASES = ["scenario:us-russia-2023:1", "scenario:counterforce-race:2", "framework:new-start:3"]


@pytest.mark.parametrize("key", PROCESS_CASES)
def test_real_process_sample(key, tmp_path):
    _check_process(mutations.parse_key(key), tmp_path)


@pytest.mark.slow
@settings(max_examples=300, **COMMON)
@given(case=mutations.cases())
def test_real_process_300(case, tmp_path_factory):
    _check_process(case, tmp_path_factory.mktemp("proc"))
