"""Chain-scale load test: N terminals pushing and pulling, clerks looking up members, a shop ordering.

    .venv/bin/python bench/load_test.py                 # 300 terminals for 300 s, 2 workers
    .venv/bin/python bench/load_test.py --find-knee     # 60 s steps from 100 to 900 terminals
    .venv/bin/python bench/load_test.py --profile 60    # and py-spy the workers for 60 s
    .venv/bin/python bench/load_test.py --isolate --duration 60   # CPU per request type, each alone

Starts the real server on PostgreSQL (the database's schema is reset each run), loads the demo data,
pairs the terminals through pairing codes, and prints the tables of bench/LOAD.md.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run as a script from anywhere

from bench.load_sim.isolate import isolation_report, target_rates
from bench.load_sim.report import full_report, knee_table
from bench.load_sim.run import LoadOptions, run_load
from bench.load_sim.sizes import growth_table

KNEE_STEPS = [100, 200, 300, 450, 600, 900]


def build_parser() -> argparse.ArgumentParser:
    """The command-line options."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--terminals", type=int, default=300)
    parser.add_argument(
        "--duration", type=float, default=300, help="seconds of load (per step with --find-knee)"
    )
    parser.add_argument("--lookups-per-s", type=float, default=20)
    parser.add_argument("--orders-per-s", type=float, default=5)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--database", default=LoadOptions.database)
    parser.add_argument(
        "--find-knee", action="store_true", help="steps of --step-duration at 100…900 terminals"
    )
    parser.add_argument("--step-duration", type=float, default=60)
    parser.add_argument(
        "--steps", default="", help="terminal counts for --find-knee, comma-separated (default 100…900)"
    )
    parser.add_argument(
        "--profile", type=int, default=0, metavar="SECONDS", help="py-spy the workers this long"
    )
    parser.add_argument(
        "--keepalive-expiry", type=float, help="terminals drop idle connections after this many s"
    )
    parser.add_argument(
        "--isolate",
        action="store_true",
        help="CPU per request type: idle, pushes alone, pushes + pulls, look-ups alone, orders alone, the mix "
        "(--duration each) on one server; prints CPU ms per request and the cores the offered load needs",
    )
    parser.add_argument("--idle-seconds", type=float, default=20, help="the --isolate idle phase")
    parser.add_argument("--json", action="store_true", help="print the results as JSON instead of markdown")
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run, print, and exit 1 when a target is missed."""
    args = build_parser().parse_args(argv)
    knee_steps = [int(n) for n in args.steps.split(",")] if args.steps else KNEE_STEPS
    steps = knee_steps if args.find_knee else [args.terminals]
    options = LoadOptions(
        steps=steps, duration=args.step_duration if args.find_knee else args.duration,
        lookups_per_s=args.lookups_per_s, orders_per_s=args.orders_per_s, workers=args.workers,
        database=args.database, profile_seconds=args.profile, keepalive_expiry=args.keepalive_expiry,
        isolate=args.isolate, idle_seconds=args.idle_seconds,
    )  # fmt: skip
    outcome = run_load(options)
    audit = outcome.audit
    table, knee = knee_table(outcome.steps) if outcome.steps else ("", None)
    rates = target_rates(max(steps), options.period, options.lookups_per_s, options.orders_per_s)
    if args.json:
        document = {"options": asdict(options), "setup_s": outcome.setup_s, "knee_terminals": knee,
                    "steps": [asdict(s) for s in outcome.steps], "phases": [asdict(p) for p in outcome.phases],
                    "audit": asdict(audit) if audit else None}  # fmt: skip
        print(json.dumps(document, indent=2, ensure_ascii=False))
    else:
        print(f"Set-up (schema, demo data, server, {max(steps)} pairings): {outcome.setup_s:.0f} s\n")
        for step in outcome.steps:
            print(full_report(step, audit if step is outcome.steps[-1] else None, {}) + "\n")
        if outcome.phases:
            print(isolation_report(outcome.phases, rates, max(steps)) + "\n")
        if outcome.sizes_after:
            print(growth_table(outcome.sizes_before, outcome.sizes_after) + "\n")
        if args.find_knee:
            print(table + "\n")
            print(
                f"Knee (p99 of push or look-up at least double the first step's): {knee or 'not reached'}\n"
            )
        print(f"Server log and profiler output: {outcome.data_dir}\n")
        if outcome.profile:
            print("Where the workers' time goes (py-spy):\n\n" + outcome.profile)
    if outcome.phases:
        return 0 if not sum(p.errors for p in outcome.phases) and audit is not None and audit.clean else 1
    last = outcome.steps[-1]
    passed = (
        last.errors == 0 and last.p99("GET /v1/customers?q=") <= 100 and audit is not None and audit.clean
    )
    return 0 if passed else 1


if __name__ == "__main__":
    raise SystemExit(main())
