"""Issue 12: the web API gets the mutated scenarios too (TestClient).

Each mutated scenario text is posted to ``/api/evaluate``, ``/api/treaty``,
``/api/scenario`` (JSON ``{"yaml": TEXT, "set": {...}}``) or ``/api/upload`` (a file): a 2xx
with finite JSON, or a 4xx with a JSON body carrying a message; never a 5xx, an exception
or more than a few seconds. Known-invalid mutations must get a 4xx, known-valid ones a 2xx
(uploads refuse YAML aliases, and a file's named overrides do not apply on the web).
Frameworks and TOML files cannot be uploaded and are not sent.

About 100 cases by default (``FUZZ_EXAMPLES`` halved); 10,000 under ``-m slow``.
"""

from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, Phase, assume, example, given, settings

from tests.fuzz import mutations
from tests.fuzz.mutations import Case

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "200")) // 2
COMMON = dict(
    deadline=None,
    phases=(Phase.explicit, Phase.reuse, Phase.generate),
    suppress_health_check=list(HealthCheck),
)
ENDPOINTS = ("/api/evaluate", "/api/treaty", "/api/scenario", "/api/upload")


def _check_web(case: Case, app) -> None:
    mutations.assert_passes(case, lambda: mutations.run_web(case, app), "web")


@pytest.mark.parametrize("endpoint", ENDPOINTS)
@pytest.mark.parametrize("base", mutations.bundled("scenario"))
def test_unmutated_bundled_scenarios_pass(base, endpoint, fuzz_app, fuzz_dir):
    case = mutations.unmutated("scenario", base, endpoint=endpoint)
    _check_web(case, fuzz_app)


@settings(max_examples=EXAMPLES, **COMMON)
@given(case=mutations.cases(("scenario",)))
@example(case=mutations.parse_key("scenario:us-russia-2023:1609337231"))  # mapping-valued set
@example(case=mutations.parse_key("scenario:us-russia-2023:745558046"))  # a defence named ''
def test_fuzz_web(case, fuzz_app, fuzz_dir):
    assume(mutations.web_request(case) is not None)
    _check_web(case, fuzz_app)


@pytest.mark.slow
@settings(max_examples=10_000, **COMMON)
@given(case=mutations.cases(("scenario",)))
def test_fuzz_web_10000(case, fuzz_app, fuzz_dir):
    assume(mutations.web_request(case) is not None)
    _check_web(case, fuzz_app)
