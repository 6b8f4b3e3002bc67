"""The course keeps its promises: lint-clean, pinned, notebooks executed in order and free of secrets,
notebooks in sync with their sources, every lesson ends by grading its exercise."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from clientlab.grading import EXERCISES, Exercise
from clientlab.notebook_build import IGNORE_OUTPUT, is_grading_cell, parse_source

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
SECRET = re.compile(r"sk-(?:proj-)?[A-Za-z0-9_-]{20,}")
MACHINE_PATH = re.compile(r"(/home/|/Users/|/root/|/tmp/|/work/)[^\s\"']+")


def test_ruff_is_clean() -> None:
    """The course's own code; exercises/ holds the learner's answers, which are theirs to style."""
    result = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "--no-cache", str(ROOT)], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_ruff_format_is_clean() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "ruff", "format", "--check", "--no-cache", str(ROOT)], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_requirements_pin_every_direct_dependency() -> None:
    lines = [ln.strip() for ln in (ROOT / "requirements.txt").read_text().splitlines()]
    entries = [ln for ln in lines if ln and not ln.startswith("#")]
    assert entries[-1] == "-e ."
    loose = [e for e in entries[:-1] if not re.fullmatch(r"[A-Za-z0-9_.\-]+(\[[a-z,]+\])?==[0-9][0-9A-Za-z.]*", e)]
    assert not loose, f"not pinned exactly: {loose}"


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_is_executed_top_to_bottom_without_secrets(notebook: Path) -> None:
    cells = json.loads(notebook.read_text())["cells"]
    code = [c for c in cells if c["cell_type"] == "code" and "".join(c["source"]).strip()]
    assert [c["execution_count"] for c in code] == list(range(1, len(code) + 1))
    outputs = json.dumps([c.get("outputs", []) for c in cells])
    assert '"output_type": "error"' not in outputs
    assert not SECRET.search(outputs), "an output looks like an API key"
    found = MACHINE_PATH.search(outputs)
    assert not found, f"an output contains a path of this machine: {found.group(0)[:80]}"


@pytest.mark.parametrize("notebook", NOTEBOOKS, ids=lambda p: p.name)
def test_notebook_matches_its_source(notebook: Path) -> None:
    source = ROOT / "notebooks" / "src" / (notebook.stem + ".py")
    assert source.exists(), f"{notebook.name} has no source in notebooks/src/"
    built = [("".join(c["source"]), c["cell_type"]) for c in json.loads(notebook.read_text())["cells"]]
    expected = [(c.source, c.cell_type) for c in parse_source(source.read_text())]
    assert built == expected, f"rebuild it: python -m clientlab.notebook_build {notebook.name[:2]}"


@pytest.mark.parametrize("exercise", [e for e in EXERCISES if e.lesson_path.exists()], ids=lambda e: e.id)
def test_lesson_ends_by_grading_its_exercise_and_shows_the_stubs_verdict(exercise: Exercise) -> None:
    """The committed notebook shows what a learner sees first (the stub is not passed yet); nbval runs the
    grading cell without comparing its output, so a fork with the exercise solved stays green."""
    cells = json.loads(exercise.lesson_path.read_text())["cells"]
    code = [c for c in cells if c["cell_type"] == "code"]
    grading = [c for c in code[-3:] if f'grade("{exercise.id}")' in "".join(c["source"])]
    assert grading, f"{exercise.lesson} must end by grading"
    cell = grading[0]
    assert IGNORE_OUTPUT in cell["metadata"].get("tags", []), "rebuild: the grading cell lacks its nbval tag"
    shown = json.dumps(cell["outputs"])
    assert "not yet" in shown and f"{exercise.id} " in shown, "the committed output must be the stub's verdict"
    for other in cells:
        if other is not cell and other["cell_type"] == "code":
            assert not is_grading_cell("".join(other["source"])) or IGNORE_OUTPUT in other["metadata"].get("tags", [])
