"""Fuzz the loaders (issue 12): N mutated scenarios and frameworks through the CLI and the
web API; print the counts of the issue's table and the distinct failure classes.

    python benchmarks/fuzz.py [N] [--seed S] [--processes K] [--case KEY ...]

Each case (``tests/fuzz/mutations.py``) runs in a forked child: ``seceq`` in-process
through ``cli.main``, and, for scenarios, a web TestClient request; a case still running
after 10 s is killed and counted as a hang. ``--processes K`` also runs K cases (300 in the
issue) through real ``seceq`` processes and counts the tracebacks they print. ``--case``
re-runs given cases (``scenario:us-russia-2023:1234``) and prints everything about them.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.fuzz import mutations as m  # noqa: E402


def _show(case: m.Case, out: m.Outcome, problems: list[str]) -> None:
    print(case.describe())
    print(f"  {out.target}: code={out.code} {out.seconds:.2f}s exception={out.exception} frame={out.frame}")
    if out.stderr.strip():
        print("  stderr:", out.stderr.strip()[:600].replace("\n", "\n          "))
    if out.target == "web" and out.code and out.code >= 400:
        print("  body:", out.stdout[:400])
    print("  problems:", problems)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", nargs="?", type=int, default=10_000, help="cases (default 10,000)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--processes", type=int, default=0, help="also run K cases as real seceq processes")
    parser.add_argument("--case", action="append", default=[], help="re-run one case KEY and show it")
    parser.add_argument("--no-web", action="store_true")
    args = parser.parse_args(argv)

    from security_equation.web.app import create_app

    app = create_app()
    workdir = Path(tempfile.mkdtemp(prefix="seceq-fuzz-"))
    m.warm_up(workdir, app)

    if args.case:
        for key in args.case:
            case = m.parse_key(key)
            print("--- file:\n" + (case.text or repr(case.raw_bytes))[:3000])
            out = m.isolated(lambda case=case: m.run_cli(case, workdir), "cli")
            _show(case, out, m.check(case, out))
            if m.web_request(case) is not None:
                out = m.isolated(lambda case=case: m.run_web(case, app), "web")
                _show(case, out, m.check(case, out))
        return 0

    rng = random.Random(args.seed)
    bases = m.all_bases()
    counts: Counter[str] = Counter()
    classes: Counter[str] = Counter()
    example: dict[str, str] = {}
    by_mutation: dict[str, Counter] = defaultdict(Counter)
    cli_cases = web_cases = 0
    start = time.monotonic()

    def record(case: m.Case, out: m.Outcome, problems: list[str]) -> None:
        for p in problems:
            classes[p] += 1
            example.setdefault(p, case.key)
            for label in case.labels:
                by_mutation[p][label.split(" at ")[0].split(" (")[0][:40]] += 1

    for i in range(args.n):
        kind, base = bases[rng.randrange(len(bases))]
        case = m.build_case(kind, base, rng.randrange(2**32))
        cli_cases += 1
        out = m.isolated(lambda case=case: m.run_cli(case, workdir), "cli")
        problems = m.check(case, out)
        record(case, out, problems)
        if out.exception is not None:
            counts["uncaught exceptions (in-process CLI)"] += 1
        if out.hung:
            counts["hangs (> 10 s)"] += 1
        if out.code == 0 and case.expect("cli") == m.FAIL:
            counts["invalid input accepted (exit 0)"] += 1
            tags = case.tags("cli")
            if "nonfinite" in tags:
                counts["non-finite values accepted"] += 1
            if "override-nothing" in tags:
                counts["overrides that name nothing accepted"] += 1
        if out.code == 2 and case.expect("cli") == m.PASS:
            counts["valid input rejected"] += 1
        if any("problem without a line" in p for p in problems):
            counts["problems without a line though the file has one"] += 1
        if any("without naming the file" in p for p in problems):
            counts["exit 2 without naming the file"] += 1
        if any("slower than" in p for p in problems):
            counts[f"slower than {m.SLOW_SECONDS:g} s (not hung)"] += 1
        if not args.no_web and m.web_request(case) is not None:
            web_cases += 1
            wout = m.isolated(lambda case=case: m.run_web(case, app), "web")
            wproblems = m.check(case, wout)
            record(case, wout, wproblems)
            if wout.exception is not None or (wout.code or 0) >= 500:
                counts["5xx from the web API"] += 1
            if wout.hung:
                counts["web hangs (> 10 s)"] += 1
            if wout.code and 200 <= wout.code < 300 and case.expect("web") == m.FAIL:
                counts["web: invalid input accepted (2xx)"] += 1
            if wout.code and 400 <= wout.code < 500 and case.expect("web") == m.PASS:
                counts["web: valid input rejected (4xx)"] += 1
        if (i + 1) % 500 == 0:
            print(f"... {i + 1} cases, {time.monotonic() - start:.0f} s", file=sys.stderr, flush=True)

    proc_cases = 0
    if args.processes:
        for _ in range(args.processes):
            kind, base = bases[rng.randrange(len(bases))]
            case = m.build_case(kind, base, rng.randrange(2**32))
            proc_cases += 1
            out = m.run_process(case, workdir, timeout=m.HANG_SECONDS + 5)
            problems = m.check(case, out)
            record(case, out, problems)
            if "Traceback" in out.stderr:
                counts["tracebacks printed by real seceq processes"] += 1

    elapsed = time.monotonic() - start
    rows = [
        "uncaught exceptions (in-process CLI)",
        "tracebacks printed by real seceq processes",
        "hangs (> 10 s)",
        "invalid input accepted (exit 0)",
        "non-finite values accepted",
        "overrides that name nothing accepted",
        "valid input rejected",
        "problems without a line though the file has one",
        "exit 2 without naming the file",
        f"slower than {m.SLOW_SECONDS:g} s (not hung)",
        "5xx from the web API",
        "web hangs (> 10 s)",
        "web: invalid input accepted (2xx)",
        "web: valid input rejected (4xx)",
    ]
    print(
        f"\nFuzz: {cli_cases:,} CLI cases, {web_cases:,} web cases"
        + (f", {proc_cases} real processes" if proc_cases else "")
        + f" (seed {args.seed}, {elapsed:.0f} s)\n"
    )
    width = max(len(r) for r in rows)
    print(f"{'':{width}}  count")
    for row in rows:
        if row.startswith("tracebacks") and not proc_cases:
            print(f"{row:{width}}  (not run: --processes K)")
            continue
        print(f"{row:{width}}  {counts[row]:>5,}")
    print(f"\nDistinct failure classes ({len(classes)}):")
    for cls, n in classes.most_common():
        muts = ", ".join(f"{k} ×{v}" for k, v in by_mutation[cls].most_common(3))
        print(f"  {n:>5}  {cls}\n         e.g. --case {example[cls]}  [{muts}]")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
