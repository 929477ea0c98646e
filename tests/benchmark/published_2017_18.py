"""A returns set of 120 English authorities consistent with the published 2017-18 analysis.

"The delivery of return interviews" (Missing People for the ECRC, 2019; `shared/seeds/`)
publishes its tables but not the per-authority answers behind them. This module builds,
deterministically and without calling homeward, one set of answers that agrees with every
figure the analysis pins down; the tests then let homeward compute the tables from it.

Only construction happens here: percentages are bounded with this module's own integer
arithmetic, and nothing from `homeward.benchmark` is imported.

Layout (authority index i = 0..119; the first 116 have valid incidents):

- repeat (incidents, individuals): base 0..106 (107); individuals blank 107..111 (5);
  individuals > incidents 112..115 (4); no valid incidents 116..119 (4) → not answered 9,
  excluded 4 (the analysis gives only their total, 13).
- completed: base 0..92 and 107..112 (99); blank 93..104 (12) + 116..119 → 16 not
  answered; completed > incidents 105, 106, 113, 114, 115 → 5 excluded.
- within 72 hours: base 0..82 (83); excluded 6: 83, 84 (> completed), 85 (> incidents),
  93 (completed blank), 105, 106 (completed excluded); the other 27 + 4 blank → 31.
- offered and declined are laid out on p = 37·i mod 116, so they cut across the above:
  offered base p 0..94 (95), blank p 95..110 (16) + 4 → 20, offered > incidents
  p 111..115 (5). Declined base p 0..80, 95, 96, 111 (84); excluded 7: p 81..84
  (declined > offered), p 85 and p 97 (declined > incidents), p 86 (negative); blank 25 + 4.
- providers, the clock and follow-up are spread with other multipliers.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

PERIOD = "2017-18"
AUTHORITIES = 120
VALID = 116  # authorities 116..119 have no valid incidents

HEADER = (
    "authority_code",
    "authority_name",
    "nation",
    "period",
    "provider",
    "incidents",
    "individuals",
    "offered",
    "accepted",
    "declined",
    "completed",
    "completed_within_72h",
    "clock_start",
    "clock_unit",
    "follow_up_support",
)

# Published figures this construction is pinned to.
REPEAT_INCIDENTS = 123_156
REPEAT_INDIVIDUALS = 43_648
COMPLETED = 58_445
COMPLETED_INCIDENTS = 109_797

REPEAT_BANDS = [((0, 50), 11), ((51, 60), 25), ((61, 70), 35), ((71, 100), 36)]
OFFERED_BANDS = [
    ((0, 50), 9),
    ((51, 60), 5),
    ((61, 70), 14),
    ((71, 80), 13),
    ((81, 90), 14),
    ((91, 95), 8),
    ((96, 99), 12),
    ((100, 100), 20),
]
DECLINED_BANDS = [
    ((0, 10), 31),
    ((11, 20), 20),
    ((21, 30), 20),
    ((31, 40), 9),
    ((41, 50), 3),
    ((51, 60), 1),
    ((61, 100), 0),
]
COMPLETED_BANDS = [
    ((0, 30), 16),
    ((31, 40), 8),
    ((41, 50), 18),
    ((51, 60), 19),
    ((61, 70), 16),
    ((71, 80), 6),
    ((81, 90), 9),
    ((91, 100), 7),
]
WITHIN_BANDS = [
    ((0, 30), 8),
    ((31, 40), 8),
    ((41, 50), 9),
    ((51, 60), 15),
    ((61, 70), 15),
    ((71, 80), 12),
    ((81, 90), 8),
    ((91, 100), 8),
]


def ceil_div(a: int, b: int) -> int:
    return -((-a) // b)


def numerator_bounds(denominator: int, low: int, high: int) -> tuple[int, int]:
    """The numerators n whose percentage of `denominator`, rounded half up, is in low..high.

    round(100n/d) >= low  <=>  100n/d >= low - 1/2  <=>  n >= (2·low - 1)·d / 200
    round(100n/d) <= high <=>  100n/d <  high + 1/2 <=>  n <  (2·high + 1)·d / 200
    """
    n_min = 0 if low == 0 else ceil_div((2 * low - 1) * denominator, 200)
    n_max = min(denominator, ceil_div((2 * high + 1) * denominator, 200) - 1)
    assert n_min <= n_max, (denominator, low, high)
    return n_min, n_max


def fit(values: list[int], bounds: Sequence[tuple[int, int]], target: int) -> list[int]:
    """Move `values` within their bounds, spreading the change, until they sum to target."""
    values = list(values)
    assert sum(lo for lo, _ in bounds) <= target <= sum(hi for _, hi in bounds), "infeasible"
    while (gap := target - sum(values)) != 0:
        room = [
            (i, (hi - values[i]) if gap > 0 else (values[i] - lo))
            for i, (lo, hi) in enumerate(bounds)
        ]
        room = [(i, r) for i, r in room if r > 0]
        step = ceil_div(abs(gap), len(room))
        for i, r in room:
            move = min(step, r, abs(target - sum(values)))
            values[i] += move if gap > 0 else -move
    return values


def spread_bands(
    members: Sequence[int], bands: Sequence[tuple[tuple[int, int], int]]
) -> dict[int, tuple[int, int]]:
    """Give the members, in the order given, the bands in order with the published counts."""
    assert len(members) == sum(count for _, count in bands)
    result: dict[int, tuple[int, int]] = {}
    position = 0
    for band, count in bands:
        for member in members[position : position + count]:
            result[member] = band
        position += count
    return result


def start_value(denominator: int, low: int, high: int, seed: int) -> int:
    """A deterministic starting numerator somewhere inside the band."""
    n_min, n_max = numerator_bounds(denominator, low, high)
    return n_min + (n_max - n_min) * ((seed * 7919) % 97) // 96


def banded(
    members: Sequence[int],
    denominators: dict[int, int],
    bands: dict[int, tuple[int, int]],
    target: int,
    cap: Callable[[int], int] | None = None,
) -> dict[int, int]:
    """Numerators in each member's band (and under `cap`), summing to target."""
    bounds = []
    for member in members:
        lo, hi = numerator_bounds(denominators[member], *bands[member])
        if cap is not None:
            hi = min(hi, cap(member))
        bounds.append((lo, hi))
    start = [
        min(max(start_value(denominators[m], *bands[m], seed=m), lo), hi)
        for m, (lo, hi) in zip(members, bounds, strict=True)
    ]
    return dict(zip(members, fit(start, bounds, target), strict=True))


def build() -> list[dict[str, str]]:
    """The 120 English 2017-18 rows, then their 2016-17 and 2013-14 provider rows, then a
    few Welsh and Scottish rows that an England-only report must leave out."""
    # --- incidents ---------------------------------------------------------------------
    repeat_base = list(range(107))
    small = [i for i in repeat_base if i % 10 == 4]  # 11 authorities under 250 incidents
    large = [i for i in repeat_base if i % 8 == 1]  # 14 authorities over 2,000
    assert len(small) == 11 and len(large) == 14 and not set(small) & set(large)
    incidents: dict[int, int] = {}
    for k, i in enumerate(small):
        incidents[i] = 95 + 12 * k
    for k, i in enumerate(large):
        incidents[i] = 2050 + 140 * k
    medium = [i for i in repeat_base if i not in incidents]
    start = [300 + (i * 271) % 1500 for i in medium]
    for i, value in zip(
        medium,
        fit(start, [(250, 2000)] * len(medium), REPEAT_INCIDENTS - sum(incidents.values())),
        strict=True,
    ):
        incidents[i] = value
    # Completed is answered by 0..92 (from the repeat base) and 107..112 (outside it).
    others = range(107, 113)
    rest = COMPLETED_INCIDENTS - sum(incidents[i] for i in range(93))
    for k, i in enumerate(others):
        incidents[i] = rest // 6 + (1 if k < rest % 6 else 0)
    assert all(100 <= incidents[i] <= 3000 for i in others), rest
    for i, value in zip(range(113, 116), (420, 760, 1310), strict=True):
        incidents[i] = value

    # --- repeat: individuals -------------------------------------------------------------
    order = sorted(repeat_base, key=lambda i: (i * 37) % 107)
    repeat_bands = spread_bands(order, REPEAT_BANDS)
    lowest, highest = order[:2], order[-2:]
    for i in lowest:
        repeat_bands[i] = (8, 19)  # "others reporting less than 20%"
    for i in highest:
        repeat_bands[i] = (80, 88)  # "some areas reporting that 80%"
    for i in order[2:11]:
        repeat_bands[i] = (25, 50)
    for i in order[-36:-2]:
        repeat_bands[i] = (71, 79)
    repeats = banded(repeat_base, incidents, repeat_bands, REPEAT_INCIDENTS - REPEAT_INDIVIDUALS)
    individuals = {i: incidents[i] - repeats[i] for i in repeat_base}
    for i in range(112, 116):
        individuals[i] = incidents[i] + 5 + i % 3  # individuals > incidents: excluded

    # --- offered, accepted, declined (on p = 37·i mod 116) -------------------------------
    p = {i: (i * 37) % VALID for i in range(VALID)}
    by_p = {value: i for i, value in p.items()}
    offered_base = [i for i in range(VALID) if p[i] < 95]
    offered_order = sorted(offered_base, key=lambda i: (i * 53) % VALID)
    offered_bands = spread_bands(offered_order, OFFERED_BANDS)
    offered_bands[offered_order[0]] = (16, 16)  # "offer rates ranged from 16% ..."
    offered_bands[offered_order[1]] = (17, 20)  # "two ... 20% or less"
    for i in offered_order[2:9]:
        offered_bands[i] = (25, 50)
    fixed = [i for i in offered_base if offered_bands[i] == (100, 100)]
    adjustable = [i for i in offered_base if i not in fixed]
    offered_incidents = sum(incidents[i] for i in offered_base)
    offered_target = ceil_div(79 * offered_incidents, 100)  # 79.0% pooled
    offered = {i: incidents[i] for i in fixed}
    offered |= banded(
        adjustable,
        incidents,
        offered_bands,
        offered_target - sum(offered.values()),
    )
    for q in range(111, 116):
        offered[by_p[q]] = incidents[by_p[q]] + 4 + q % 5  # offered > incidents: excluded

    declined_outside = [by_p[95], by_p[96], by_p[111]]  # offered blank or excluded
    declined_inside = sorted(
        (i for i in offered_base if p[i] < 81), key=lambda i: (offered[i] * 1000) // incidents[i]
    )
    declined_order = declined_outside + declined_inside  # lowest declines to lowest offers
    declined_bands = spread_bands(declined_order, DECLINED_BANDS)
    declined_incidents = sum(incidents[i] for i in declined_order)
    declined = banded(
        declined_order,
        incidents,
        declined_bands,
        ceil_div(18 * declined_incidents, 100),  # 18.0% pooled
        cap=lambda i: offered[i] if i in declined_inside else incidents[i],
    )
    for q in range(81, 85):
        declined[by_p[q]] = offered[by_p[q]] + 3  # declined > offered: excluded
    declined[by_p[85]] = incidents[by_p[85]] + 10  # declined > incidents: excluded
    declined[by_p[97]] = incidents[by_p[97]] + 1  # declined > incidents (offered blank)
    declined[by_p[86]] = -1  # negative: excluded

    accepted: dict[int, int] = {}
    accepted_blank = {by_p[q] for q in (*range(87, 91), *range(95, 111))}
    for i in range(VALID):
        if i in accepted_blank:
            continue
        offer, decline = offered.get(i), declined.get(i)
        if p[i] >= 95 or offer is None:  # offered blank or excluded: nothing to check against
            accepted[i] = incidents[i] // 2
        elif decline is not None and 0 <= decline <= offer:
            accepted[i] = offer - decline - (offer - decline) // 10
        else:
            accepted[i] = offer // 2
    accepted[by_p[0]] = offered[by_p[0]] - declined[by_p[0]] + 3  # accepted + declined > offered
    accepted[by_p[91]] = offered[by_p[91]] + 5  # accepted > offered

    # --- completed and within 72 hours ---------------------------------------------------
    completed_base = [*range(93), *range(107, 113)]
    within_base = list(range(83))
    completed_order = sorted(completed_base, key=lambda i: (i * 29) % 120)
    completed_bands = spread_bands(completed_order, COMPLETED_BANDS)
    in_41_50 = completed_order[24:42]
    for i in in_41_50[:17]:
        completed_bands[i] = (41, 49)  # "41% addressed less than half"
    completed_bands[in_41_50[17]] = (50, 50)
    for i in completed_order[:16]:
        completed_bands[i] = (10, 30)  # low, but enough interviews to rate their timeliness
    rest_base = [i for i in completed_base if i not in within_base]
    # Completion over the within base must let within be both 61% of completed and 33%
    # of incidents: aim it at 54%, the rest of the base takes what remains of 58,445.
    within_incidents = sum(incidents[i] for i in within_base)
    bounds_w = [numerator_bounds(incidents[i], *completed_bands[i]) for i in within_base]
    bounds_r = [numerator_bounds(incidents[i], *completed_bands[i]) for i in rest_base]
    low_w = max(sum(lo for lo, _ in bounds_w), COMPLETED - sum(hi for _, hi in bounds_r))
    high_w = min(sum(hi for _, hi in bounds_w), COMPLETED - sum(lo for lo, _ in bounds_r))
    target_w = min(max(54 * within_incidents // 100, low_w), high_w)
    completed = banded(within_base, incidents, completed_bands, target_w)
    completed |= banded(rest_base, incidents, completed_bands, COMPLETED - target_w)
    for i in (105, 106, 113, 114, 115):
        completed[i] = incidents[i] + 3 + i % 5  # completed > incidents: excluded

    within_order = sorted(within_base, key=lambda i: (i * 43) % 83)
    within_bands = spread_bands(within_order, WITHIN_BANDS)
    completed_w = sum(completed[i] for i in within_base)
    # 61% of completed: 121·C/200 <= T < 123·C/200; 33% of incidents: 65·I/200 <= T < 67·I/200
    low = max(ceil_div(121 * completed_w, 200), ceil_div(65 * within_incidents, 200))
    high = min(ceil_div(123 * completed_w, 200), ceil_div(67 * within_incidents, 200)) - 1
    assert low <= high, (low, high)
    within_target = min(max(61 * completed_w // 100, low), high)
    within = banded(within_base, completed, within_bands, within_target)
    within[83] = completed[83] + 2  # > completed: excluded
    within[84] = completed[84] + 1
    within[85] = incidents[85] + 3  # > incidents: excluded
    within[93] = incidents[93] // 3  # completed blank: cannot be rated
    within[105] = incidents[105] // 4  # completed excluded: cannot be rated
    within[106] = incidents[106] // 4

    # --- authorities without valid incidents ---------------------------------------------
    offered[118] = 40  # answered, but with no incidents no rate can be formed
    incidents[119] = -9  # a "not known" code typed as a count: negative, excluded
    individuals[119] = -9

    # --- providers, clock, follow-up -----------------------------------------------------
    provider_order = sorted(range(AUTHORITIES), key=lambda i: (i * 59) % 120)
    providers = spread_values(
        provider_order, [("in_house", 71), ("mixed", 24), ("independent", 24), ("", 1)]
    )
    clock_order = sorted(range(AUTHORITIES), key=lambda i: (i * 53) % 120)
    clock_start = spread_values(clock_order, [("referral", 27), ("Return", 65), ("", 4), ("", 24)])
    clock_unit = spread_values(
        clock_order,
        [
            ("hours", 14),
            ("calendar_days", 48),
            ("working_days", 25),
            ("", 5),
            (" Working_Days ", 4),
            ("", 24),
        ],
    )
    follow_order = sorted(range(AUTHORITIES), key=lambda i: (i * 67) % 120)
    follow_up = spread_values(follow_order, [("yes", 96), ("sometimes", 9), ("No", 8), ("", 7)])

    columns: dict[str, dict[int, int]] = {
        "incidents": incidents,
        "individuals": individuals,
        "offered": offered,
        "accepted": accepted,
        "declined": declined,
        "completed": completed,
        "completed_within_72h": within,
    }
    result: list[dict[str, str]] = []
    for i in range(AUTHORITIES):
        row = {
            "authority_code": code(i),
            "authority_name": f"Authority {i + 1:03d}",
            "nation": "England",
            "period": PERIOD,
            "provider": providers[i],
            "clock_start": clock_start[i],
            "clock_unit": clock_unit[i],
            "follow_up_support": follow_up[i],
        }
        for column, values in columns.items():
            row[column] = str(values[i]) if i in values else ""
        result.append(row)
    for period, counts in (
        (
            "2016-17",
            [("in_house", 59), ("mixed", 27), ("independent", 31), ("", 2), ("not_known", 1)],
        ),
        (
            "2013-14",
            [("in_house", 59), ("mixed", 13), ("independent", 30), ("", 9), ("Not_Known", 9)],
        ),
    ):
        shift = int(period[:4])
        order = sorted(range(AUTHORITIES), key=lambda i, s=shift: (i * 31 + s) % 120)
        values = spread_values(order, counts)
        for i in range(AUTHORITIES):
            row = dict.fromkeys(HEADER, "")
            row |= {
                "authority_code": code(i),
                "authority_name": f"Authority {i + 1:03d}",
                "nation": "England",
                "period": period,
                "provider": values[i],
            }
            result.append(row)
    result.extend(devolved_rows())
    return result


def spread_values(order: Sequence[int], counts: Sequence[tuple[str, int]]) -> dict[int, str]:
    assert len(order) == sum(count for _, count in counts)
    result: dict[int, str] = {}
    position = 0
    for value, count in counts:
        for i in order[position : position + count]:
            result[i] = value
        position += count
    return result


def code(i: int) -> str:
    return f"E{6 + i % 4:02d}{i + 1:06d}"


def devolved_rows() -> list[dict[str, str]]:
    """Welsh and Scottish returns, which the England analysis leaves out."""
    rows = []
    for k, (nation, letter) in enumerate([("Wales", "W")] * 4 + [("Scotland", "S")] * 3):
        for period in ("2017-18", "2016-17"):
            row = dict.fromkeys(HEADER, "")
            row |= {
                "authority_code": f"{letter}{6 + k:02d}{900 + k:06d}",
                "authority_name": f"Devolved authority {k + 1}",
                "nation": nation,
                "period": period,
                "provider": "independent",
            }
            if period == "2017-18":
                row |= {
                    "incidents": "500",
                    "individuals": "100",
                    "offered": "50",
                    "declined": "45",
                    "completed": "5",
                    "completed_within_72h": "1",
                    "clock_start": "return",
                    "follow_up_support": "sometimes",
                }
            rows.append(row)
    return rows
