"""Demo and synthetic data, for trying the portal out and for benchmarks. Never in production."""

from flask import Flask


def init_app(app: Flask) -> None:
    from clinic.seed.cli import seed

    app.cli.add_command(seed)
