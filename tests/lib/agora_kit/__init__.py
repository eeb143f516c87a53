"""The Python test kit shared by the suites of tests/."""
