"""Demo and synthetic data, for trying the portal out and for benchmarks. Never in production."""
