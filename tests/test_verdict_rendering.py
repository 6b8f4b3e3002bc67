"""A verdict as a learner sees it: in words and colour as well as symbols (without an emoji font both symbols
draw as the same box), code as code rather than literal backticks, and each failed check's first hint step
with the way to the next. The same verdict rendered in JupyterLab by headless Chromium is in the notes."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from clientlab.grading import get_exercise
from clientlab.grading.verdict import Verdict

BUDGET = "ask_fast fits the 2 s budget"


class Cells(HTMLParser):
    """The table's cells: their visible text and the style of the cell or its parents."""

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[list[tuple[str, str]]] = []
        self.text: list[str] = []
        self._style = ""
        self._cell: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "tr":
            self.rows.append([])
        if tag in ("td", "th"):
            self._cell, self._style = [], dict(attrs).get("style") or ""

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None:
            self.rows[-1].append(("".join(self._cell), self._style))
            self._cell = None

    def handle_data(self, data: str) -> None:
        self.text.append(data)
        if self._cell is not None:
            self._cell.append(data)


def wrong_answer() -> Verdict:
    verdict = Verdict("ex04", "A fast path with a latency budget", "exercises/ex04_latency_budget.py")
    verdict.add("your code ran", True, "`ask` and `ask_fast` returned")
    verdict.add(BUDGET, False, "worst case 3 s", "use `client.with_options(timeout=0.7, max_retries=1)`")
    return verdict


def test_html_says_pass_and_not_yet_in_words_and_colour() -> None:
    page = Cells()
    page.feed(wrong_answer()._repr_html_())
    results = [row[0] for row in page.rows[1:]]
    assert [text for text, _ in results] == ["✔ pass", "✘ not yet"]
    colours = [re.search(r"color:(#[0-9a-f]{6})", style).group(1) for _, style in results]  # type: ignore[union-attr]
    assert colours[0] != colours[1]
    visible = "".join(page.text)
    assert "`" not in visible and "ex04 A fast path with a latency budget: not yet" in visible


def test_a_failed_check_shows_the_first_step_and_how_to_get_the_next() -> None:
    verdict = wrong_answer()
    first = get_exercise("ex04").nudges(BUDGET)[0]
    page = Cells()
    page.feed(verdict._repr_html_())
    visible = "".join(page.text)
    assert first in visible and "with_options(timeout=0.7" not in visible
    assert 'next hint: python -m clientlab hint 04 (in a notebook: hint("ex04"))' in visible
    assert "<code>python -m clientlab hint 04</code>" in verdict._repr_html_()
    learner = verdict.to_text(ladder=True)
    assert f"hint: {first}" in learner and "next hint: python -m clientlab hint 04" in learner
    assert "hint: use `client.with_options(timeout=0.7, max_retries=1)`" in verdict.to_text()  # maintainers


def test_a_check_with_no_nudges_shows_the_graders_hint_at_once() -> None:
    verdict = Verdict("ex04", "A fast path with a latency budget", "exercises/ex04_latency_budget.py")
    verdict.add("your code ran", False, "NotImplementedError", "replace the TODOs")
    assert "hint: replace the TODOs" in verdict.to_text(ladder=True)
    assert "next hint" not in verdict.to_text(ladder=True) and "next hint" not in verdict._repr_html_()


def test_could_not_grade_is_never_the_learners_failure() -> None:
    verdict = Verdict("ex04", "A fast path with a latency budget", "exercises/ex04_latency_budget.py")
    verdict.error = "MockServerError: the mock server did not start"
    page = Cells()
    page.feed(verdict._repr_html_())
    visible = "".join(page.text)
    assert "could not grade" in visible and "This is a Client Lab problem, not your code" in visible
    assert "not yet" not in visible
