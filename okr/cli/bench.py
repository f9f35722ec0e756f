"""`okr bench-seed`: the benchmark's company (see okr/seed/bench.py and benchmarks/run.py)."""

from __future__ import annotations

import time
from datetime import date

import click
from flask import current_app

from okr.cli import _require_current_schema, command


@command("bench-seed")
@click.option("--teams", default=40, show_default=True, type=click.IntRange(3, 2000))
@click.option("--people", default=400, show_default=True, type=click.IntRange(3, 100000))
@click.option(
    "--scale",
    default=1.0,
    show_default=True,
    type=click.FloatRange(0.05, 10),
    help="years of task and check-in history ending today (0.25 = one quarter)",
)
@click.option("--seed", "seed_value", default=2026, show_default=True, type=int)
@click.option("--today", default=None, help="ISO date to build around (default: today)")
def bench_seed_command(teams, people, scale, seed_value, today):
    """Seed a realistic company for the benchmark into an empty database."""
    from okr.core.web.database import app_engine
    from okr.seed import bench

    _require_current_schema()
    day = date.fromisoformat(today) if today else date.today()
    t0 = time.perf_counter()
    res = bench.seed(
        app_engine(),
        teams=teams,
        people=people,
        scale=scale,
        today=day,
        fiscal_start=current_app.config["FISCAL_YEAR_START"],
        seed_value=seed_value,
    )
    click.echo(f"Seeded in {time.perf_counter() - t0:.1f} s: {res.summary()}")
    click.echo(f"Logins (password {bench.BENCH_PASSWORD}): " + ", ".join(f"{k} {v}" for k, v in res.logins.items()))
