"""Plots from the mock server's records (matplotlib): one module per kind of picture."""
