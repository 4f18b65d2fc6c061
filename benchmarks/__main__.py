"""Run benchmarks by name (all of them without arguments) and print their figures."""

from __future__ import annotations

import argparse
import asyncio
import importlib

BENCHMARKS = ("saturation", "login", "cases", "statistics", "replica", "audit", "documents", "retention")


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("names", nargs="*", metavar="NAME", help=f"one of {', '.join(BENCHMARKS)} (default: all)")
    args = parser.parse_args()
    unknown = set(args.names) - set(BENCHMARKS)
    if unknown:
        parser.error(f"no benchmark called {', '.join(sorted(unknown))}")
    for name in args.names or BENCHMARKS:
        module = importlib.import_module(f"benchmarks.{name}")
        print(f"== {name}: {(module.__doc__ or name).strip().splitlines()[0]}")
        asyncio.run(module.run())


if __name__ == "__main__":
    main()
