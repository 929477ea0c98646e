"""The SSDA903 tables in the pure core: headers, codes, dates, the year's boundaries."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from homeward.formats import ssda903
from homeward.formats.ssda903 import LookedAfterChild, MissingEpisode

START, END = date(2025, 4, 1), date(2026, 3, 31)


def child(*episodes: MissingEpisode, **fields: object) -> LookedAfterChild:
    values: dict[str, object] = {
        "child_id": "C-1",
        "sex": "female",
        "dob": date(2010, 5, 14),
        "ethnicity": "WBRI",
        "upn": "",
        "period_start": date(2024, 2, 3),
        "placement": "foster",
        "placement_postcode": "zz1 1aa",
        "episodes": episodes,
    }
    values.update(fields)
    return LookedAfterChild(**values)  # type: ignore[arg-type]


def missing(*children: LookedAfterChild) -> list[tuple[str, ...]]:
    return ssda903.ssda903_tables(children, start=START, end=END).missing


def test_the_files_have_exactly_the_903_headers() -> None:
    tables = ssda903.ssda903_tables(
        [child(MissingEpisode("M", date(2025, 5, 1), date(2025, 5, 2)))], start=START, end=END
    )
    files = ssda903.ssda903_files(tables)
    assert [data.split(b"\r\n")[0].decode() for data in files.values()] == [
        "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB",
        "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,"
        "PL_POST,URN",
        "CHILD,DOB,MISSING,MIS_START,MIS_END",
    ]
    assert files["missing.csv"].decode() == (
        "CHILD,DOB,MISSING,MIS_START,MIS_END\r\nC-1,14/05/2010,M,01/05/2025,02/05/2025\r\n"
    )
    assert all(ssda903.check_file(name, data) == [] for name, data in files.items())
    assert tables.header == [("C-1", "F", "14/05/2010", "WBRI", "UN4", "0", "")]
    assert tables.episodes == [
        ("C-1", "03/02/2024", "S", "C2", "N1", "U6", "PR1", "", "", "", "", "ZZ1 1AA", "")
    ]


def test_codes_map_sex_placement_and_provider() -> None:
    assert ssda903.SEX == {"male": "M", "female": "F", "unknown": "U"}
    assert set(ssda903.PLACE.values()) == set(ssda903.PLACE_PROVIDER)
    assert ssda903.PLACE_PROVIDER["Z14"] == ""  # rule 213: no provider for Z1x
    rows = ssda903.ssda903_tables(
        [
            child(MissingEpisode("A", date(2025, 5, 1)), child_id=f"C-{n}", placement=p, sex=s)
            for n, (p, s) in enumerate([("secure", "male"), ("other", "unknown"), ("", "female")])
        ],
        start=START,
        end=END,
    )
    assert [(h[1], h[5]) for h in rows.header] == [("M", ""), ("U", ""), ("F", "0")]
    assert [(e[5], e[6]) for e in rows.episodes] == [("K1", "PR2"), ("Z14", ""), ("U6", "PR1")]


def test_year_boundaries_and_open_episodes() -> None:
    got = missing(
        child(
            MissingEpisode("M", date(2025, 3, 30), date(2025, 3, 31)),  # ended before the year
            MissingEpisode("M", date(2025, 3, 31), date(2025, 4, 1)),  # open at its start
            MissingEpisode("A", date(2025, 4, 1), date(2025, 4, 1)),  # first day
            MissingEpisode("M", date(2026, 3, 31), date(2026, 4, 2)),  # open at the year end
            MissingEpisode("M", date(2026, 4, 3), None),  # after the year
        )
    )
    assert [row[2:] for row in got] == [
        ("M", "31/03/2025", "01/04/2025"),
        ("A", "01/04/2025", "01/04/2025"),
        ("M", "31/03/2026", ""),
    ]


def test_away_then_missing_the_same_day_and_overlaps() -> None:
    tables = ssda903.ssda903_tables(
        [
            child(
                MissingEpisode(
                    "A",
                    date(2025, 6, 5),
                    date(2025, 6, 5),
                    started_at=datetime(2025, 6, 5, 10),
                    returned_at=datetime(2025, 6, 5, 14),
                ),
                MissingEpisode(
                    "M",
                    date(2025, 6, 5),
                    date(2025, 6, 7),
                    started_at=datetime(2025, 6, 5, 20),
                    returned_at=datetime(2025, 6, 7, 8),
                ),
                MissingEpisode("M", date(2025, 8, 1), None, reference="E-9"),  # never closed
                MissingEpisode("A", date(2025, 8, 5), date(2025, 8, 6)),
            )
        ],
        start=START,
        end=END,
    )
    # the record never closed and the one begun while it was open are one absence, back on
    # the day recorded: not an end invented from the next record's start
    assert [row[2:] for row in tables.missing] == [
        ("A", "05/06/2025", "05/06/2025"),
        ("M", "05/06/2025", "07/06/2025"),
        ("M", "01/08/2025", "06/08/2025"),
    ]
    assert any("E-9: recorded more than once" in note for note in tables.notes)


def test_care_starting_mid_year_and_ending_at_18() -> None:
    mid = missing(
        child(
            MissingEpisode("M", date(2025, 5, 1), date(2025, 5, 2)),  # before care began
            MissingEpisode("M", date(2025, 6, 12), date(2025, 6, 13)),
            period_start=date(2025, 6, 10),
        )
    )
    assert [row[3] for row in mid] == ["12/06/2025"]
    tables = ssda903.ssda903_tables(
        [
            child(
                MissingEpisode("M", date(2025, 11, 10), None),
                MissingEpisode("M", date(2025, 12, 1), date(2025, 12, 2)),  # an adult then
                dob=date(2007, 11, 15),
            )
        ],
        start=START,
        end=END,
    )
    assert [row[3:] for row in tables.missing] == [("10/11/2025", "15/11/2025")]
    assert tables.episodes[0][7:9] == ("15/11/2025", "E8")


def test_children_the_903_cannot_carry_are_noted() -> None:
    episode = MissingEpisode("M", date(2025, 9, 1), date(2025, 9, 2))
    tables = ssda903.ssda903_tables(
        [
            child(episode, child_id="C-no-start", period_start=None),
            child(episode, child_id="C-no-dob", dob=None),
            child(episode, child_id="C-adult", dob=date(2006, 1, 1)),
            child(child_id="C-quiet", period_start=None),  # nothing in the year: no note
        ],
        start=START,
        end=END,
    )
    assert tables.missing == [] and tables.header == []
    notes = " ".join(tables.notes)
    assert "C-no-start: left out" in notes and "DECOM" in notes
    assert "C-no-dob: left out" in notes and "C-adult: left out" in notes
    assert "C-quiet" not in notes


def test_degrade_is_refused_and_only_a_collection_year() -> None:
    with pytest.raises(ValueError, match="cannot be degraded"):
        ssda903.ssda903_tables([], start=START, end=END, degrade=True)
    with pytest.raises(ValueError, match="1 April to 31 March"):
        ssda903.ssda903_tables([], start=date(2025, 1, 1), end=date(2025, 12, 31))
    assert ssda903.collection_year(START, END) == "2026"


def test_text_is_formula_safe() -> None:
    data = ssda903.write_csv(("CHILD", "DOB"), [("=HYPERLINK()", "01/01/2010")])
    assert data.decode().splitlines()[1] == "'=HYPERLINK(),01/01/2010"


def test_structural_checks_find_bad_files() -> None:
    bad = b"CHILD,DOB,MISSING,MIS_START,MIS_END\r\nC-1,2010-05-14,X,31/02/2025,\r\nC-2,x\r\n"
    assert ssda903.check_file("missing.csv", bad) == [
        "missing.csv, line 2, DOB: '2010-05-14' is not dd/mm/YYYY",
        "missing.csv, line 2, MIS_START: '31/02/2025' is not a real date",
        "missing.csv, line 2, MISSING: 'X' is not M or A",
        "missing.csv, line 3: 2 cells, should be 5",
    ]
    assert ssda903.check_file("missing.csv", b"CHILD,DOB\r\n")[0].startswith(
        "missing.csv, line 1: header is CHILD,DOB"
    )
    assert "byte-order mark" in ssda903.check_file("header.csv", "\ufeffCHILD".encode())[0]


def test_an_episode_on_the_first_or_last_day_of_care_is_the_903s() -> None:
    """A period of care holds its first day and its last: a child who goes missing on the
    day care began (DECOM) is in the return, as is one who goes missing on the day before
    their 18th birthday (the day care ends); the day before care began and the 18th
    birthday itself are not."""
    began = date(2025, 6, 10)
    rows = missing(
        child(
            MissingEpisode("M", date(2025, 6, 9), date(2025, 6, 9)),  # the day before care
            MissingEpisode("M", began, date(2025, 6, 11)),  # the first day of care
            period_start=began,
        )
    )
    assert [row[3] for row in rows] == ["10/06/2025"]
    eighteen = date(2008, 1, 20)
    rows = missing(
        child(
            MissingEpisode("M", date(2026, 1, 19), None),  # the last day of care
            MissingEpisode("M", date(2026, 1, 20), None),  # 18 that day: an adult's
            dob=eighteen,
        )
    )
    assert [row[3] for row in rows] == ["19/01/2026"]


# --- edges, rule by rule (each written from the rule, so a changed boundary fails) ----------


def test_the_eighteenth_birthday_of_a_leap_day_birth_is_1_march() -> None:
    assert ssda903.eighteenth_birthday(date(2008, 2, 29)) == date(2026, 3, 1)
    assert ssda903.eighteenth_birthday(date(2008, 2, 28)) == date(2026, 2, 28)
    assert ssda903.eighteenth_birthday(date(2012, 2, 29)) == date(2030, 3, 1)


def test_an_away_episode_is_absent_with_whereabouts_known_and_a_missing_one_is_not() -> None:
    away = MissingEpisode("A", date(2025, 6, 1), date(2025, 6, 2), reference="E-1").as_record("C-9")
    gone = MissingEpisode("M", date(2025, 6, 1), None).as_record("C-9")
    assert (away.person_id, away.category, away.whereabouts_known) == ("C-9", "absent", True)
    assert (gone.person_id, gone.category, gone.whereabouts_known) == ("C-9", "missing", False)
    assert away.start == datetime(2025, 6, 1) and away.end == datetime(2025, 6, 2)
    assert gone.end is None and away.reference == "E-1"
    rows = missing(child(MissingEpisode("A", date(2025, 6, 1), date(2025, 6, 2))))
    assert [row[2] for row in rows] == ["A"]


def test_an_episode_touching_the_year_at_either_end_is_in_it() -> None:
    ended_on_the_first_day = child(MissingEpisode("M", date(2025, 3, 30), START))
    began_on_the_last_day = child(MissingEpisode("M", END, None), child_id="C-2")
    tables = ssda903.ssda903_tables(
        [ended_on_the_first_day, began_on_the_last_day], start=START, end=END
    )
    assert tables.children == ["C-1", "C-2"]
    assert [row[3:] for row in tables.missing] == [("30/03/2025", "01/04/2025"), ("31/03/2026", "")]
    # A day either side: not the year's, and nothing said (not homeward's part).
    before = child(MissingEpisode("M", date(2025, 3, 30), date(2025, 3, 31)))
    after = child(MissingEpisode("M", date(2026, 4, 1), None), child_id="C-2")
    quiet = ssda903.ssda903_tables([before, after], start=START, end=END)
    assert (quiet.children, quiet.notes) == ([], [])


def test_children_left_out_are_noted_in_the_rules_words() -> None:
    episode = MissingEpisode("M", date(2025, 6, 1), date(2025, 6, 2))
    cases = {
        "C-1": child(episode, period_start=None),
        "C-2": child(episode, child_id="C-2", period_start=date(2010, 5, 14)),  # = birth
        # Care beginning on the 18th birthday (1 June 2025, in the year): never a child's.
        "C-3": child(episode, child_id="C-3", dob=date(2007, 6, 1), period_start=date(2025, 6, 1)),
        # 18 on the year's first day: an adult all year.
        "C-4": child(episode, child_id="C-4", dob=date(2007, 4, 1)),
    }
    tables = ssda903.ssda903_tables(cases.values(), start=START, end=END)
    assert tables.children == []
    assert tables.notes == [
        "C-1: left out, looked after but no start of care (looked after since) recorded: "
        "the Episodes table cannot be written without DECOM.",
        "C-2: left out, looked after since a date not after birth.",
        "C-3: left out, not looked after in the year.",
        "C-4: left out, not looked after in the year.",
    ]
    # Care that began the day after birth, or on the year's last day, is in.
    born = child(episode, period_start=date(2010, 5, 15))
    assert ssda903.ssda903_tables([born], start=START, end=END).children == ["C-1"]
    last_day = child(MissingEpisode("M", END, None), period_start=END)
    assert ssda903.ssda903_tables([last_day], start=START, end=END).children == ["C-1"]


def test_a_child_turning_18_on_the_years_first_or_last_day() -> None:
    # 18 on 31 March 2026, the year's last day: care ends then (E8), in this year's return.
    last = ssda903.ssda903_tables(
        [child(MissingEpisode("M", date(2026, 3, 1), None), dob=date(2008, 3, 31))],
        start=START,
        end=END,
    )
    assert last.episodes[0][7:9] == ("31/03/2026", "E8")
    # 18 on 1 April 2026, the next year's first day: still in care at this year's end.
    next_year = ssda903.ssda903_tables(
        [child(MissingEpisode("M", date(2026, 3, 1), None), dob=date(2008, 4, 1))],
        start=START,
        end=END,
    )
    assert next_year.episodes[0][7:9] == ("", "")
    # 18 before the year began: an adult all year, left out.
    adult = ssda903.ssda903_tables(
        [child(MissingEpisode("M", date(2025, 6, 1), None), dob=date(2007, 3, 31))],
        start=START,
        end=END,
    )
    assert adult.notes == ["C-1: left out, not looked after in the year."]


def test_codes_homeward_does_not_know_get_the_903s_not_known() -> None:
    episode = MissingEpisode("M", date(2025, 6, 1), date(2025, 6, 2))
    tables = ssda903.ssda903_tables(
        [child(episode, sex="not_said", ethnicity="made_up", legal_status="")],
        start=START,
        end=END,
    )
    header, row = tables.header[0], tables.episodes[0]
    assert header[1] == "U" and header[3] == "NOBT"
    assert header[5] == ""  # MOTHER only for a girl
    assert row[3] == ssda903.DEFAULT_LS == "C2"


def test_an_episode_of_another_kind_is_left_out_and_named() -> None:
    tables = ssda903.ssda903_tables(
        [
            child(
                MissingEpisode("M", date(2025, 6, 1), date(2025, 6, 2)),
                MissingEpisode("X", date(2025, 7, 1), date(2025, 7, 2), reference="E-7"),
                MissingEpisode("X", date(2025, 8, 1), date(2025, 8, 2)),
            )
        ],
        start=START,
        end=END,
    )
    assert [row[3] for row in tables.missing] == ["01/06/2025"]
    assert tables.notes == [
        "C-1 E-7: left out, type 'X'.",
        "C-1 01/08/2025: left out, type 'X'.",
    ]


def test_check_file_names_each_problem_and_goes_on_past_it() -> None:
    assert ssda903.check_file("other.csv", b"") == [
        "other.csv: not an SSDA903 table homeward writes (header.csv, episodes.csv, missing.csv)"
    ]
    columns = ",".join(ssda903.MISSING_COLUMNS)
    assert ssda903.check_file("missing.csv", b"") == [
        f"missing.csv, line 1: header is nothing, should be {columns}"
    ]
    assert ssda903.check_file("missing.csv", b"CHILD,DOB\n") == [
        f"missing.csv, line 1: header is CHILD,DOB, should be {columns}"
    ]
    body = (
        f"{columns}\n"
        "C-1,14/05/2010,M,,\n"  # MIS_START blank: a date is required
        "C-2,14/05/2010,Q,01/06/2025,\n"  # a bad code after the problem above
        "C-3,14/05/2010,M\n"  # too few cells
        "C-4,14/05/2010,A,01/06/2025,02/06/2025\n"
    ).encode()
    assert ssda903.check_file("missing.csv", body) == [
        "missing.csv, line 2, MIS_START: blank, a date is required",
        "missing.csv, line 3, MISSING: 'Q' is not M or A",
        "missing.csv, line 4: 3 cells, should be 5",
    ]
    header = ",".join(ssda903.TABLES["header.csv"])
    sexes = f"{header}\nC-1,X,14/05/2010,WBRI,UN4,,\nC-2,F,14/05/2010,WBRI,UN4,0,\n".encode()
    assert ssda903.check_file("header.csv", sexes) == [
        "header.csv, line 2, SEX: 'X' is not M, F or U"
    ]
