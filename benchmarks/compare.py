"""Compare two indicator tables: `python benchmarks/compare.py A.csv B.csv`.

Identical means: the same columns in the same order, the same rows after sorting by
authority_code and period, and the same values (counts compared as integers). Exits 0 and
prints "identical", or prints the differences and exits 1.
"""

from __future__ import annotations

import argparse
import sys

import pandas as pd

KEYS = ["authority_code", "period"]
SHOW = 20


def read(path: str) -> pd.DataFrame:
    table = pd.read_csv(path, dtype={"authority_code": str, "period": str})
    return table.sort_values(KEYS, kind="stable").reset_index(drop=True)


def differences(a: pd.DataFrame, b: pd.DataFrame, name_a: str, name_b: str) -> list[str]:
    found: list[str] = []
    if list(a.columns) != list(b.columns):
        found.append(
            f"columns differ:\n  {name_a}: {list(a.columns)}\n  {name_b}: {list(b.columns)}"
        )
    for name, table in ((name_a, a), (name_b, b)):
        for column in table.columns[2:]:
            values = table[column]
            if not (pd.api.types.is_integer_dtype(values)):
                found.append(f"{name}: column {column} is not all integers ({values.dtype})")
        dup = table.duplicated(KEYS)
        if dup.any():
            found.append(f"{name}: {int(dup.sum())} duplicate (authority_code, period) rows")
    merged = a.merge(b, on=KEYS, how="outer", suffixes=("_a", "_b"), indicator=True)
    only_a = merged[merged["_merge"] == "left_only"][KEYS]
    only_b = merged[merged["_merge"] == "right_only"][KEYS]
    if len(only_a):
        found.append(
            f"{len(only_a)} row(s) only in {name_a}:\n{only_a.head(SHOW).to_string(index=False)}"
        )
    if len(only_b):
        found.append(
            f"{len(only_b)} row(s) only in {name_b}:\n{only_b.head(SHOW).to_string(index=False)}"
        )
    both = merged[merged["_merge"] == "both"]
    for column in [c for c in a.columns[2:] if c in b.columns]:
        left, right = both[f"{column}_a"], both[f"{column}_b"]
        unequal = ~((left == right) | (left.isna() & right.isna()))
        if unequal.any():
            rows = both.loc[unequal, KEYS].assign(**{name_a: left[unequal], name_b: right[unequal]})
            rows["diff"] = rows[name_a] - rows[name_b]
            found.append(
                f"{column}: {int(unequal.sum())} row(s) differ, total {name_a} {left.sum()} vs "
                f"{name_b} {right.sum()}:\n{rows.head(SHOW).to_string(index=False)}"
            )
    if not found and len(a) != len(b):
        found.append(f"row counts differ: {len(a)} vs {len(b)}")
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("a")
    parser.add_argument("b")
    args = parser.parse_args(argv)
    a, b = read(args.a), read(args.b)
    found = differences(a, b, "A", "B")
    if found:
        print(f"A = {args.a}\nB = {args.b}")
        print("\n\n".join(found))
        print(f"\nNOT identical ({len(found)} difference(s))")
        return 1
    print(f"identical: {len(a)} rows x {len(a.columns)} columns ({args.a} = {args.b})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
