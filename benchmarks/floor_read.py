"""The floor under `homeward indicators`: start Python, import Polars, read both CSVs.

Nothing is checked, parsed or computed: every column is read as text, both files at once
with Polars' streaming engine (the fastest way this machine has to get them into memory).
No implementation of the contract that reads these files with Polars can be faster, so
this bounds the speed-up over the peer that any such implementation can reach.

    python benchmarks/floor_read.py EPISODES.csv INTERVIEWS.csv
"""

from __future__ import annotations

import sys

import polars as pl


def main(argv: list[str]) -> int:
    episodes, interviews = pl.collect_all(
        [pl.scan_csv(path, infer_schema=False) for path in argv[:2]], engine="streaming"
    )
    print(f"floor_read: {episodes.height} episodes, {interviews.height} interviews read as text")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
