"""Exercise 02's grader is proven: its stub fails, its solution passes, every answer gets its verdict. Two at a
time: each grade sends waves of 100 concurrent requests, so two grades load the machine about as much as the
CPU burners the grader's thresholds were measured under."""

from proofs import proof_tests

results, test_proof = proof_tests("ex02", threads=2)
