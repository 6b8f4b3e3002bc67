"""Maintainers: build notebooks/NN_*.ipynb from their sources in notebooks/src/NN_*.py, executed.

A source is a Python file in "percent" format: `# %%` starts a code cell, `# %% [markdown]` a markdown
cell whose lines are comments (`# ` is removed). The notebook is executed top to bottom in one fresh kernel
(from notebooks/, like nbval), must finish without an error output, and is written with its outputs.

    python -m clientlab.notebook_build            # every notebook
    python -m clientlab.notebook_build 02 03      # some
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

from .grading.registry import course_root

CELL_TIMEOUT = 120
GRADING_CALL = re.compile(r"^grade\(\"ex\d\d\"\)", re.MULTILINE)
IGNORE_OUTPUT = "nbval-ignore-output"


def is_grading_cell(source: str) -> bool:
    """A cell that grades the learner's exercise file: its output depends on the learner's work."""
    return bool(GRADING_CALL.search(source))


def parse_source(text: str) -> list[nbformat.NotebookNode]:
    """Cells from a percent-format source."""
    cells: list[nbformat.NotebookNode] = []
    kind, lines = None, []

    def flush() -> None:
        body = "\n".join(lines).strip("\n")
        if kind == "markdown":
            cells.append(nbformat.v4.new_markdown_cell(body))
        elif kind == "code" and body.strip():
            cell = nbformat.v4.new_code_cell(body)
            if is_grading_cell(body) or ignore_output:
                # The committed output is the stub's verdict; a learner's fork grades its own answer here, so
                # nbval runs the cell (it must not raise) without comparing its output.
                cell.metadata["tags"] = [IGNORE_OUTPUT]
            cells.append(cell)

    ignore_output = False
    for line in text.splitlines():
        if line.startswith("# %%"):
            flush()
            kind, lines = ("markdown" if "[markdown]" in line else "code"), []
            # `# %% nbval-ignore-output`: a cell whose output is genuinely different every run (a load tool's
            # full report); nbval runs it without comparing, and a checked cell after it states the counts.
            ignore_output = IGNORE_OUTPUT in line
        elif kind == "markdown":
            lines.append(line[2:] if line.startswith("# ") else line.lstrip("#"))
        elif kind == "code":
            lines.append(line)
    flush()
    return cells


def build(source: Path) -> tuple[Path, float]:
    """Execute one source and write its notebook; returns the path and the seconds it took."""
    notebook = nbformat.v4.new_notebook()
    notebook.cells = parse_source(source.read_text())
    notebook.metadata = {
        "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
        "language_info": {"name": "python"},
    }
    folder = course_root() / "notebooks"
    started = time.monotonic()
    NotebookClient(
        notebook, timeout=CELL_TIMEOUT, kernel_name="python3", resources={"metadata": {"path": str(folder)}}
    ).execute()
    elapsed = time.monotonic() - started
    for number, cell in enumerate(notebook.cells, 1):
        cell.metadata.pop("execution", None)
        errors = [o for o in cell.get("outputs", []) if o.get("output_type") == "error"]
        if errors:
            raise RuntimeError(f"{source.name}: cell {number} raised {errors[0]['ename']}: {errors[0]['evalue']}")
    target = folder / (source.stem + ".ipynb")
    nbformat.write(notebook, target)
    return target, elapsed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m clientlab.notebook_build")
    parser.add_argument("numbers", nargs="*", help="notebook numbers, e.g. 00 02 (default: all)")
    args = parser.parse_args(argv)
    sources = sorted((course_root() / "notebooks" / "src").glob("[0-9][0-9]_*.py"))
    if args.numbers:
        sources = [s for s in sources if s.name[:2] in {n.zfill(2) for n in args.numbers}]
    for source in sources:
        target, elapsed = build(source)
        print(f"{target.name}: executed in {elapsed:.1f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
