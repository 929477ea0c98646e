"""Reading a Standard Safeguarding Dataset extract (homeward.formats.ssd_extract): pure,
no database."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest

from homeward.formats import ssd_extract as ssd
from tests.care.extract import ExtractBuilder, small_extract


def problems(builder: ExtractBuilder) -> list[str]:
    return [str(p) for p in ssd.read_tables(builder.files()).problems]


def test_a_good_extract_reads_every_table() -> None:
    extract = ssd.read_tables(small_extract().files())

    assert extract.problems == []
    assert extract.counts()["ssd_person"] == 3
    assert extract.counts()["ssd_missing"] == 3
    person = extract.persons[1]
    assert (person.person_id, person.dob, person.sex) == ("P1002", date(2011, 7, 2), "M")
    missing = extract.missing[0]
    assert missing.start == datetime(2025, 6, 1, 22, 15)
    assert (missing.kind, missing.rhi_offered, missing.rhi_accepted) == ("M", "Y", "N")
    assert extract.addresses[0].address == "12, Mill Lane, Exampleton"
    assert extract.addresses[0].postcode == "ZZ1 1AA"
    assert extract.identifiers[1].value == "9434765870"


def test_extra_columns_and_column_order_do_not_matter() -> None:
    files = small_extract().files()
    lines = files["ssd_professionals"].decode().splitlines()
    reordered = ["extra_field," + ",".join(reversed(line.split(","))) for line in lines]
    files["ssd_professionals"] = "\r\n".join(reordered).encode()

    extract = ssd.read_tables(files)

    assert extract.problems == []
    assert extract.professionals[0].name == "Sam Okafor"


@pytest.mark.parametrize(
    ("table", "row", "column", "value", "expected"),
    [
        ("ssd_person", 0, "pers_sex", "X",
         "ssd_person.csv, line 2, pers_sex: X is not in the SSD sex codes (F, M, U)"),
        ("ssd_person", 0, "pers_ethnicity", "ZZZZ",
         "ssd_person.csv, line 2, pers_ethnicity: ZZZZ is not in the DfE ethnicity codes"),
        ("ssd_person", 2, "pers_dob", "31/02/2008",
         "ssd_person.csv, line 4, pers_dob: '31/02/2008' is not a date (YYYY-MM-DD)"),
        ("ssd_person", 0, "pers_common_child_id", "9434765918",
         "ssd_person.csv, line 2, pers_common_child_id: 9434765918 is not an NHS number "
         "(10 digits, checked)"),
        ("ssd_legal_status", 0, "lega_legal_status", "C3",
         "ssd_legal_status.csv, line 2, lega_legal_status: C3 is not in the SSDA903 legal "
         "status (LS) codes"),
        ("ssd_cla_episodes", 0, "clae_cla_episode_start_reason", "Q",
         "ssd_cla_episodes.csv, line 2, clae_cla_episode_start_reason: Q is not in the SSDA903 "
         "reason for new episode (RNE) codes"),
        ("ssd_cla_episodes", 0, "clae_cla_primary_need_code", "N9",
         "ssd_cla_episodes.csv, line 2, clae_cla_primary_need_code: N9 is not in the SSDA903 "
         "category of need (CIN) codes"),
        ("ssd_cla_episodes", 0, "clae_cla_episode_ceased_reason", "E1",
         "ssd_cla_episodes.csv, line 2, clae_cla_episode_ceased_reason: E1 is not in the "
         "SSDA903 reason episode ceased (REC) codes"),
        ("ssd_cla_placement", 0, "clap_cla_placement_type", "Z1",
         "ssd_cla_placement.csv, line 2, clap_cla_placement_type: Z1 is not in the SSDA903 "
         "2025-26 placement type (PLACE) codes"),
        ("ssd_cla_placement", 0, "clap_cla_placement_provider", "PR9",
         "ssd_cla_placement.csv, line 2, clap_cla_placement_provider: PR9 is not in the "
         "SSDA903 placement provider (PLACE_PROVIDER) codes"),
        ("ssd_missing", 0, "miss_missing_episode_type", "X",
         "ssd_missing.csv, line 2, miss_missing_episode_type: X is not in the SSD missing "
         "episode types (M, A)"),
        ("ssd_missing", 0, "miss_missing_rhi_offered", "Yes",
         "ssd_missing.csv, line 2, miss_missing_rhi_offered: Yes is not in the SSD return "
         "interview answers (Y, N, NA)"),
        ("ssd_missing", 0, "miss_missing_episode_start_date", "",
         "ssd_missing.csv, line 2, miss_missing_episode_start_date: is blank"),
        ("ssd_missing", 0, "miss_missing_episode_end_date", "2025-05-01 10:00:00",
         "ssd_missing.csv, line 2, miss_missing_episode_end_date: ends before it starts"),
        ("ssd_missing", 1, "miss_person_id", "P9999",
         "ssd_missing.csv, line 3, miss_person_id: person P9999 is not in ssd_person"),
        ("ssd_missing", 1, "miss_table_id", "M1",
         "ssd_missing.csv, line 3, miss_table_id: M1 is on an earlier line too"),
        ("ssd_linked_identifiers", 0, "link_identifier_type", "Passport",
         "ssd_linked_identifiers.csv, line 2, link_identifier_type: 'Passport' is not in the "
         "SSD linked identifier types"),
        ("ssd_involvements", 0, "invo_professional_id", "W9",
         "ssd_involvements.csv, line 2, invo_professional_id: professional W9 is not in "
         "ssd_professionals"),
        ("ssd_cla_episodes", 0, "clae_cla_episode_ceased_reason", "",
         "ssd_cla_episodes.csv, line 2, clae_cla_episode_ceased_reason: is blank for an "
         "ended episode"),
    ],
)  # fmt: skip
def test_each_bad_value_is_named_with_file_line_field_and_reason(
    table: str, row: int, column: str, value: str, expected: str
) -> None:
    builder = small_extract()
    builder.tables[table][row][column] = value

    assert problems(builder) == [expected]


def test_a_missing_table_refuses_the_extract() -> None:
    files = small_extract().files()
    del files["ssd_missing"]

    with pytest.raises(ssd.ExtractRefused) as refused:
        ssd.read_tables(files)

    assert str(refused.value) == "ssd_missing.csv: is missing; the extract needs every table"


def test_a_missing_column_is_named() -> None:
    files = small_extract().files()
    files["ssd_person"] = files["ssd_person"].replace(b"pers_dob", b"pers_birthday")

    with pytest.raises(ssd.ExtractRefused) as refused:
        ssd.read_tables(files)

    assert [str(p) for p in refused.value.problems] == [
        "ssd_person.csv, line 1, pers_dob: is not in the header (the spec's field name)"
    ]


def test_a_row_with_the_wrong_number_of_fields_is_named() -> None:
    files = small_extract().files()
    files["ssd_professionals"] += b"W3,Only a name\r\n"

    assert [str(p) for p in ssd.read_tables(files).problems] == [
        "ssd_professionals.csv, line 4: has 2 fields; the header has 3"
    ]


def test_a_table_too_big_is_refused_before_it_is_parsed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ssd, "MAX_TABLE_BYTES", 100)
    files = small_extract().files()

    with pytest.raises(ssd.ExtractRefused, match=r"ssd_person\.csv: is over 0 MB"):
        ssd.read_tables(files)


def test_not_utf8_is_refused() -> None:
    files = small_extract().files()
    files["ssd_person"] = files["ssd_person"].replace(b"Ayla", b"Ay\xffla")

    with pytest.raises(ssd.ExtractRefused, match=r"ssd_person\.csv: is not UTF-8 text"):
        ssd.read_tables(files)


def test_a_directory_is_read_by_table_name(tmp_path: Path) -> None:
    small_extract().write(tmp_path)
    (tmp_path / "ssd_person.csv").rename(tmp_path / "SSD_Person.csv")
    (tmp_path / "notes.txt").write_text("ignored")

    assert ssd.read_directory(tmp_path).counts()["ssd_person"] == 3


def test_problems_are_capped_but_counted(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ssd, "MAX_PROBLEMS", 2)
    builder = small_extract()
    for row in builder.tables["ssd_person"]:
        row["pers_sex"] = "X"

    extract = ssd.read_tables(builder.files())

    assert len(extract.problems) == 2 and extract.problem_count == 3


@pytest.mark.parametrize(
    ("number", "valid"),
    [("9434765919", True), ("9434765870", True), ("9434765918", False), ("943476591", False)],
)
def test_nhs_numbers_are_checked(number: str, valid: bool) -> None:
    assert ssd.nhs_number_valid(number) is valid


def test_dates_and_times_in_the_forms_extracts_use() -> None:
    assert ssd.parse_datetime("2025-06-01 22:15:00.000") == datetime(2025, 6, 1, 22, 15)
    assert ssd.parse_datetime("2025-06-01T22:15:00") == datetime(2025, 6, 1, 22, 15)
    assert ssd.parse_datetime("01/06/2025 22:15") == datetime(2025, 6, 1, 22, 15)
    assert ssd.parse_date("2025-06-01 00:00:00") == date(2025, 6, 1)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024-03-05 14:30:00.000", datetime(2024, 3, 5, 14, 30)),  # SQL Server datetime
        ("2024-03-05 14:30:00.0000000", datetime(2024, 3, 5, 14, 30)),  # datetime2
        ("2024-03-05T14:30:59.1234567", datetime(2024, 3, 5, 14, 30, 59)),
        ("05/03/2024 14:30:00.000", datetime(2024, 3, 5, 14, 30)),
        ("2024-03-05", datetime(2024, 3, 5)),
    ],
)
def test_sql_server_times_with_fractions_of_a_second_are_read(
    text: str, expected: datetime
) -> None:
    assert ssd.parse_datetime(text) == expected
    assert ssd.parse_date(text) == expected.date()


def test_a_whole_extract_written_by_sql_server_reads_without_problems() -> None:
    builder = small_extract()
    for rows in builder.tables.values():
        for row in rows:
            for column, value in row.items():
                if ("date" in column or column == "pers_dob") and len(value) == 10:
                    row[column] = f"{value} 00:00:00.0000000"
    builder.tables["ssd_missing"][0]["miss_missing_episode_start_date"] = "2025-06-01 22:15:00.000"

    extract = ssd.read_tables(builder.files())

    assert extract.problems == []
    assert extract.missing[0].start == datetime(2025, 6, 1, 22, 15)
    assert extract.persons[0].dob == date(2010, 3, 14)


@pytest.mark.parametrize(
    "text", ["2024-13-05", "2024-02-30 10:00", "2024-03-05 25:00:00", "5 March"]
)
def test_impossible_dates_and_times_are_refused(text: str) -> None:
    with pytest.raises(ValueError):
        ssd.parse_datetime(text)
