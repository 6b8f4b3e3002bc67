"""Exercise 03's grader is proven: its stub fails, its solution passes, every answer gets its verdict."""

from proofs import proof_tests

results, test_proof = proof_tests("ex03", threads=8)
