"""Exercise 01's grader is proven: its stub fails, its solution passes, every answer gets its verdict. Six at a
time: a grade mostly waits on the answers the mock delays on purpose."""

from proofs import proof_tests

results, test_proof = proof_tests("ex01", threads=10)
