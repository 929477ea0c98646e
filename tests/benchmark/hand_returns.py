"""Twelve English returns (and one Welsh) whose tables are worked out by hand below.

Counts per authority: incidents, individuals, offered, accepted, declined, completed,
completed_within_72h (blank = not answered). File lines: the header is line 1, A1 is
line 2 … A12 line 13, the Welsh row line 14, then earlier periods.

A1  200  80 150 100  30 120  60   everything valid
A2  200  99 101   .  21   1   1   every rate lands on .5: 50.5→51, 10.5→11, 0.5→1
A3  200 100 199 150   0 200 129   50% exactly (0-50 band), 99.5→100, 64.5→65
A4  100 120 110  50  60  40  45   individuals > incidents, offered > incidents,
                                  within > completed
A5  100  50  50  40  60  30   .   declined > offered; within blank
A6   80  20  60  70  90  90  10   accepted > offered, declined > incidents,
                                  completed > incidents, within with completed excluded
A7  100  30  90  60  40   .  20   accepted + declined > offered; within with completed blank
A8   50  50  50   .   .  50  60   within > incidents; declined blank
A9    .  10   5   .   2   4   2   no incidents: not answered everywhere, nothing excluded
A10  -1   5   .   .   .   3   5   negative incidents; within > completed
A11 100  -3  80   .  -2   0   0   negative individuals and declined; completed 0
A12   0   0   0   .   0   0   .   0 incidents: no rate can be formed
"""

from __future__ import annotations

from typing import Any

HEADER = (
    "authority_code,authority_name,nation,period,provider,incidents,individuals,offered,"
    "accepted,declined,completed,completed_within_72h,clock_start,clock_unit,follow_up_support"
)

ROWS_2017_18 = [
    "E06000001,Alderley,England,2017-18,in_house,200,80,150,100,30,120,60,return,hours,yes",
    "E06000002,Brackwater,England,2017-18,In_House,200,99,101,,21,1,1,referral,calendar_days,Yes",
    "E06000003,Cowfold,England,2017-18,independent,200,100,199,150,0,200,129,return,,sometimes",
    "E06000004,Dunmere,england,2017-18,mixed,100,120,110,50,60,40,45,,working_days,no",
    "E06000005,Easterby,England,2017-18,,100,50,50,40,60,30,,RETURN,Working_Days,",
    "E06000006,Fenwick,England,2017-18,not_known,80,20,60,70,90,90,10,,,yes",
    "E06000007,Glanford,England,2017-18, MIXED ,100,30,90,60,40,,20,referral,hours,no",
    "E06000008,Harrowby,England,2017-18,in_house,50,50,50,,,50,60,return,calendar_days,yes",
    "E06000009,Ilminster,England,2017-18,independent,,10,5,,2,4,2,,,",
    "E06000010,Jedburgh,England,2017-18,,-1,5,,,,3,5,,hours,sometimes",
    "E06000011,Kelvedon,England,2017-18,in_house,100,-3,80,,-2,0,0,,,yes",
    "E06000012,Lamorna,England,2017-18,mixed,0,0,0,,0,0,,return,,",
]
WELSH_ROW = "W06000099,Llanfair,Wales,2017-18,independent,10,5,,,,,,,,"
EARLIER_ROWS = [
    "E06000001,Alderley,England,2016-17,independent,,,,,,,,,,",
    "E06000002,Brackwater,England,2016-17,independent,,,,,,,,,,",
    "E06000003,Cowfold,England,2016-17,,,,,,,,,,,",
    "E06000001,Alderley,England,2013-14,mixed,,,,,,,,,,",
]

CSV_TEXT = "\n".join([HEADER, *ROWS_2017_18, WELSH_ROW, *EARLIER_ROWS]) + "\n"


def band(label: str, low: int, high: int, count: int) -> dict[str, Any]:
    return {"label": label, "low": low, "high": high, "count": count}


# England only (the Welsh row filtered out): 12 authorities.
EXPECTED_TABLES_JSON: dict[str, Any] = {
    "period": "2017-18",
    "authorities": 12,
    "tables": {
        # Base A1 A2 A3 A5 A6 A7 A8 (7); not answered A9 A10 A12 (3: no valid incidents);
        # excluded A4 (individuals > incidents), A11 (negative individuals) → 7+3+2 = 12.
        # Rates: A1 120/200 = 60; A2 101/200 = 50.5 → 51; A3 100/200 = 50; A5 50/100 = 50;
        # A6 60/80 = 75; A7 70/100 = 70; A8 0/50 = 0.
        # Incidents 200+200+200+100+80+100+50 = 930; individuals 80+99+100+50+20+30+50
        # = 429; pooled (930-429)/930 = 501/930 = 53.87% → 54.
        "repeat": {
            "base": 7,
            "not_answered": 3,
            "excluded": 2,
            "pooled_percent": 54,
            "bands": [
                band("0-50%", 0, 50, 3),  # A3 50, A5 50, A8 0
                band("51-60%", 51, 60, 2),  # A2 51 (50.5 rounded up), A1 60
                band("61-70%", 61, 70, 1),  # A7 70
                band("71-100%", 71, 100, 1),  # A6 75
            ],
            "incidents": 930,
            "individuals": 429,
        },
        # Base A1 A2 A3 A5 A6 A7 A8 A11 (8); not answered A9 A10 A12; excluded A4 → 12.
        # Rates: A1 75; A2 50.5 → 51; A3 199/200 = 99.5 → 100; A5 50; A6 60/80 = 75;
        # A7 90; A8 100; A11 80. Offered 150+101+199+50+60+90+50+80 = 780 of incidents
        # 200+200+200+100+80+100+50+100 = 1030 → 75.73% → 76.
        "offered": {
            "base": 8,
            "not_answered": 3,
            "excluded": 1,
            "pooled_percent": 76,
            "bands": [
                band("0-50%", 0, 50, 1),  # A5 50
                band("51-60%", 51, 60, 1),  # A2 51
                band("61-70%", 61, 70, 0),
                band("71-80%", 71, 80, 3),  # A1 75, A6 75, A11 80
                band("81-90%", 81, 90, 1),  # A7 90
                band("91-95%", 91, 95, 0),
                band("96-99%", 96, 99, 0),  # A3 99.5 is not here: it rounds to 100
                band("100%", 100, 100, 2),  # A3, A8
            ],
        },
        # Base A1 A2 A3 A4 A7 (5; A4's offered is excluded, so its declined is checked
        # against incidents only); not answered A8 (blank) A9 A10 A12; excluded A5
        # (declined > offered), A6 (declined > incidents), A11 (negative) → 5+4+3 = 12.
        # Rates: A1 30/200 = 15; A2 21/200 = 10.5 → 11; A3 0; A4 60; A7 40.
        # Declined 30+21+0+60+40 = 151 of 800 incidents = 18.875% → 19.
        "declined": {
            "base": 5,
            "not_answered": 4,
            "excluded": 3,
            "pooled_percent": 19,
            "bands": [
                band("0-10%", 0, 10, 1),  # A3 0
                band("11-20%", 11, 20, 2),  # A2 11 (10.5 rounded up), A1 15
                band("21-30%", 21, 30, 0),
                band("31-40%", 31, 40, 1),  # A7 40
                band("41-50%", 41, 50, 0),
                band("51-60%", 51, 60, 1),  # A4 60
                band("61-100%", 61, 100, 0),
            ],
        },
        # Base A1 A2 A3 A4 A5 A8 A11 (7); not answered A7 (blank) A9 A10 A12; excluded A6
        # (completed > incidents) → 7+4+1 = 12. Rates: A1 60; A2 1/200 = 0.5 → 1; A3 100;
        # A4 40; A5 30; A8 100; A11 0. Completed 120+1+200+40+30+50+0 = 441 of incidents
        # 200+200+200+100+100+50+100 = 950 → 46.42% → 46.
        "completed": {
            "base": 7,
            "not_answered": 4,
            "excluded": 1,
            "pooled_percent": 46,
            "bands": [
                band("0-30%", 0, 30, 3),  # A2 1, A5 30, A11 0
                band("31-40%", 31, 40, 1),  # A4 40
                band("41-50%", 41, 50, 0),
                band("51-60%", 51, 60, 1),  # A1 60
                band("61-70%", 61, 70, 0),
                band("71-80%", 71, 80, 0),
                band("81-90%", 81, 90, 0),
                band("91-100%", 91, 100, 2),  # A3 100, A8 100
            ],
            "completed": 441,
            "incidents": 950,
        },
        # Base A1 A2 A3 (3); not answered A5 (blank) A9 A10 A12; excluded A4 (> completed),
        # A6 (completed excluded), A7 (completed blank), A8 (> incidents), A11 (completed
        # is 0) → 3+4+5 = 12. Rates: A1 60/120 = 50; A2 1/1 = 100; A3 129/200 = 64.5 → 65.
        # Within 60+1+129 = 190 of completed 120+1+200 = 321 → 59.19% → 59; of incidents
        # 200+200+200 = 600 → 31.67% → 32.
        "within_timescale": {
            "base": 3,
            "not_answered": 4,
            "excluded": 5,
            "pooled_percent": 59,
            "bands": [
                band("0-30%", 0, 30, 0),
                band("31-40%", 31, 40, 0),
                band("41-50%", 41, 50, 1),  # A1 50
                band("51-60%", 51, 60, 0),
                band("61-70%", 61, 70, 1),  # A3 65 (64.5 rounded up)
                band("71-80%", 71, 80, 0),
                band("81-90%", 81, 90, 0),
                band("91-100%", 91, 100, 1),  # A2 100
            ],
            "pooled_percent_of_incidents": 32,
        },
        "providers": {
            # A1 only.
            "2013-14": {"in_house": 0, "independent": 0, "mixed": 1, "not_known": 0},
            # A1 A2 independent; A3 blank → not_known.
            "2016-17": {"in_house": 0, "independent": 2, "mixed": 0, "not_known": 1},
            # in_house A1 A2 A8 A11; independent A3 A9; mixed A4 A7 A12; not_known A5 (blank)
            # A6, A10 (blank) → 4+2+3+3 = 12.
            "2017-18": {"in_house": 4, "independent": 2, "mixed": 3, "not_known": 3},
        },
        # Answered either part: A1 A2 A3 A4 A5 A7 A8 A10 A12 = 9 (A6 A9 A11 neither).
        # Start: return A1 A3 A5 A8 A12 = 5; referral A2 A7 = 2; blank A4 A10 = 2.
        "clock_start": {"answered_either": 9, "return": 5, "referral": 2, "no_response": 2},
        # Unit: hours A1 A7 A10 = 3; calendar A2 A8 = 2; working A4 A5 = 2; blank A3 A12 = 2.
        "clock_unit": {
            "answered_either": 9,
            "hours": 3,
            "calendar_days": 2,
            "working_days": 2,
            "no_response": 2,
        },
        # yes A1 A2 A6 A8 A11 = 5; sometimes A3 A10 = 2; no A4 A7 = 2; blank A5 A9 A12 = 3.
        "follow_up_support": {"yes": 5, "sometimes": 2, "no": 2, "not_answered": 3},
    },
}

NOT_RATED = "so completed_within_72h cannot be rated"

# (line, answer, value, rule), in file order then column order.
EXPECTED_EXCLUSIONS = [
    (5, "individuals", 120, "individuals > incidents"),
    (5, "offered", 110, "offered > incidents"),
    (5, "completed_within_72h", 45, "completed_within_72h > completed"),
    (6, "declined", 60, "declined > offered"),
    (7, "accepted", 70, "accepted > offered"),
    (7, "declined", 90, "declined > incidents"),
    (7, "completed", 90, "completed > incidents"),
    (7, "completed_within_72h", 10, f"completed excluded, {NOT_RATED}"),
    (8, "accepted", 60, "accepted + declined > offered"),
    (
        8,
        "completed_within_72h",
        20,
        f"completed not answered, {NOT_RATED}",
    ),
    (9, "completed_within_72h", 60, "completed_within_72h > incidents"),
    (11, "incidents", -1, "negative count"),
    (11, "completed_within_72h", 5, "completed_within_72h > completed"),
    (12, "individuals", -3, "negative count"),
    (12, "declined", -2, "negative count"),
    (12, "completed_within_72h", 0, f"completed is 0, {NOT_RATED}"),
]
