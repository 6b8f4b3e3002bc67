"""One grader per exercise: `grade(path) -> Verdict`, judging by what the mock server saw."""
