"""`homeward match-quality`: measure the matching of reported people to known children on a
synthetic, seeded population (`homeward.police.quality`)."""

from __future__ import annotations

import argparse
import time
from typing import Any

from homeward.police import miscoding_quality, route_quality
from homeward.police.quality import evaluate, format_quality
from homeward.synth.cli import positive_int


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the `match-quality` subcommand."""
    parser = subparsers.add_parser(
        "match-quality",
        help="measure how well police reports are matched to known children (synthetic)",
        description=(
            "Generate a population of known children and police reports about them (and about "
            "children not known) with realistic slips, match every report, and print the "
            "precision of each band and the recall; then the possible-miscoding rules' "
            "precision and recall on reports whose truth is known; then how well reports are "
            "routed as a child's, a care leaver's, a young adult's the authority knew as a "
            "child, or an unknown adult's (a register with young adults as well). The same "
            "arguments always give the same figures; the time taken is printed after them."
        ),
    )
    parser.add_argument(
        "--children",
        type=positive_int,
        default=50_000,
        metavar="N",
        help="known children to generate (default 50,000)",
    )
    parser.add_argument(
        "--notifications",
        type=positive_int,
        default=10_000,
        metavar="M",
        help="police reports to generate and match (default 10,000)",
    )
    parser.add_argument("--seed", type=int, default=1, metavar="S", help="random seed (default 1)")
    parser.set_defaults(handler=run)


def run(args: Any) -> int:
    started = time.perf_counter()
    quality = evaluate(args.children, args.notifications, seed=args.seed)
    print(format_quality(quality))
    print()
    print(miscoding_quality.format_quality(miscoding_quality.evaluate(seed=args.seed)))
    print()
    routed = route_quality.evaluate(args.children, args.notifications, seed=args.seed)
    print(route_quality.format_quality(routed))
    print(f"\nGenerated and matched in {time.perf_counter() - started:.1f} s.")
    return 0
