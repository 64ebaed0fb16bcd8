"""Shared fixtures: the fake Bot API server and the real-bot process harness."""

pytest_plugins = ["tests.e2e_harness"]
