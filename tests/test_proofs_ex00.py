"""Exercise 00's grader is proven: its stub fails, its solution passes, every answer gets its verdict."""

from proofs import proof_tests

results, test_proof = proof_tests("ex00", threads=6)
