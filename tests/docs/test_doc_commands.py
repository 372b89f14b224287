"""Every command shown in docs/ runs: each ``seceq`` line of a ```bash block in docs/*.md
and docs/examples/*.md, and each complete example in a command's ``--help`` (a
``seceq …`` example without placeholders), through ``cli.main`` in a scratch folder."""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import pytest

DOCS = Path(__file__).resolve().parents[2] / "docs"
PAGES = sorted(DOCS.glob("*.md")) + sorted((DOCS / "examples").glob("*.md"))


def _doc_commands() -> list[tuple[str, str]]:
    out = []
    for page in PAGES:
        for block in re.findall(r"```bash\n(.*?)```", page.read_text(encoding="utf-8"), flags=re.DOTALL):
            for line in block.splitlines():
                line = line.split(" #", 1)[0].strip()
                if line.startswith("seceq "):
                    out.append((page.name, line))
    return out


COMMANDS = _doc_commands()


def test_the_docs_show_commands():
    pages = {page for page, _ in COMMANDS}
    assert {f"{p.stem}.md" for p in (DOCS / "examples").glob("*.md") if p.name != "README.md"} <= pages


@pytest.mark.parametrize(("page", "command"), COMMANDS, ids=[f"{p}:{c}" for p, c in COMMANDS])
def test_each_doc_command_runs(page, command, seceq, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # figures and reports land in the scratch folder
    code, out, err = seceq(*shlex.split(command)[1:])
    assert code == 0, f"{page}: `{command}` exited {code}: {err[-500:]}"
    assert out.strip(), f"{page}: `{command}` printed nothing"


#: The commands whose --help gives examples.
HELP = [("treaty",), ("treaty", "check"), ("run",), ("sweep",), ("sensitivity",), ("arms-race",)]


def _help_examples(seceq) -> list[str]:
    found = []
    for command in HELP:
        _, out, _ = seceq(*command, "--help")
        text = " ".join(out.split())
        for example in re.findall(r"`(seceq [^`]+)`", text):
            if any(mark in example for mark in ("[", "…", "NAME", " N ", " S", "SCENARIO", "--help")):
                continue  # a synopsis, not an example
            found.append(example)
    return sorted(set(found))


def test_each_help_example_runs(seceq, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    examples = _help_examples(seceq)
    assert {"seceq treaty history", "seceq treaty frameworks", "seceq scenarios"} <= set(examples)
    for example in examples:
        code, _, err = seceq(*shlex.split(example)[1:])
        assert code == 0, f"--help example `{example}` exited {code}: {err[-500:]}"
