"""Loading the ONS Postcode Directory at full size: `benchmarks/postcodes_run.sh`.

`prepare ROWS FILE`: write an ONSPD-shaped CSV of ROWS made-up postcodes with the width of
a real release (about 50 columns, most of them codes homeward does not read), a few
terminated and a few without a grid reference, as the real file has.

`peer FILE`: the peer, Polars reading the same file and keeping the live postcodes with a
grid reference (the columns homeward keeps): how fast the reading alone can be, with no
checking of each row and no database.
"""

from __future__ import annotations

import csv
import random
import sys
import time
from pathlib import Path

#: The columns of a 2025 release in order (pcd7 … long), with filler codes between.
READ = ("pcd7", "pcd8", "pcds", "dointr", "doterm", "usertype", "east1m", "north1m", "gridind")
FILLER = tuple(f"code{n:02d}" for n in range(38))
HEADER = (*READ, "oa21cd", "cty25cd", "lad25cd", *FILLER, "lat", "long", "imd")


def prepare(rows: int, path: Path) -> None:
    rng = random.Random(1)
    letters = "ABDEFGHJLNPQRSTUWXYZ"
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(HEADER)
        for n in range(rows):
            inward_index, outward_index = n % 4000, n // 4000
            inward = (
                f"{inward_index // 400}{letters[(inward_index // 20) % 20]}"
                f"{letters[inward_index % 20]}"
            )
            outward = f"Z{letters[(outward_index // 99) % 20]}{outward_index % 99 + 1}"
            pcds = f"{outward} {inward}"
            terminated = "202001" if n % 97 == 0 else ""
            no_grid = n % 211 == 0
            lat = "99.999999" if no_grid else f"{52 + rng.random():.6f}"
            lon = "0.000000" if no_grid else f"{-2 + rng.random():.6f}"
            writer.writerow(
                (f"{outward:<4}{inward}", f"{outward:<4} {inward}"[:8], pcds, "198001",
                 terminated, "0", "450000", "300000", "1", "E00000001", "E99999999", "E06000901",
                 *(f"E0{n % 9}00000{n % 7}" for _ in FILLER), lat, lon, "12345")
            )  # fmt: skip


def peer(path: Path) -> None:
    import polars as pl

    began = time.perf_counter()
    table = (
        pl.scan_csv(path, infer_schema=False)
        .filter(pl.col("doterm").is_null() | (pl.col("doterm") == ""))
        .filter(pl.col("lat") != "99.999999")
        .select("pcds", "lad25cd", pl.col("lat").cast(pl.Float64), pl.col("long").cast(pl.Float64))
        .unique("pcds")
        .collect()
    )
    print(f"peer: polars kept {table.height} postcodes in {time.perf_counter() - began:.1f} s")


if __name__ == "__main__":
    if sys.argv[1] == "prepare":
        prepare(int(sys.argv[2]), Path(sys.argv[3]))
    elif sys.argv[1] == "peer":
        peer(Path(sys.argv[2]))
    else:
        raise SystemExit("usage: postcodes_bench.py prepare ROWS FILE | peer FILE")
