"""The ONS Postcode Directory reader, on small files written here in both column layouts.

The postcodes are in the ZZ and made-up districts; the grid references and local authority
codes are shaped like the directory's, not copied from it."""

from __future__ import annotations

import csv
import io

import pytest

from homeward.formats.onspd import (
    ONSPDError,
    ONSPDReader,
    find_layout,
    grid_to_latlong,
    grid_to_osgb36,
    normalise_postcode,
)

OLD_HEADER = ["pcd", "pcd2", "pcds", "dointr", "doterm", "oscty", "oslaua", "osward"]
OLD_HEADER += ["usertype", "oseast1m", "osnrth1m", "osgrdind", "lat", "long"]
NEW_HEADER = ["pcd7", "pcd8", "pcds", "dointr", "doterm", "usrtypind", "east1m", "north1m"]
NEW_HEADER += ["gridind", "cty25cd", "ced25cd", "lad25cd", "wd25cd", "lat", "long"]


def old_row(
    pcds: str, *, doterm: str = "", la: str = "E06000901", lat: str = "53.8", lon: str = "-1.55"
) -> list[str]:
    seven = pcds.replace(" ", "").ljust(7)
    return [
        seven,
        pcds.ljust(8),
        pcds,
        "198001",
        doterm,
        "E99999999",
        la,
        "E05000001",
        "0",
        "429000",
        "434000",
        "1",
        lat,
        lon,
    ]


def new_row(
    pcds: str,
    *,
    doterm: str = "",
    la: str = "E06000901",
    lat: str = "53.8",
    lon: str = "-1.55",
    east: str = "429000",
    north: str = "434000",
) -> list[str]:
    return [
        pcds.replace(" ", "").ljust(7),
        pcds.ljust(8),
        pcds,
        "202001",
        doterm,
        "0",
        east,
        north,
        "1",
        "E99999999",
        "E58000001",
        la,
        "E05000001",
        lat,
        lon,
    ]


def csv_lines(header: list[str], rows: list[list[str]]) -> list[str]:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().splitlines(keepends=True)


def test_postcodes_are_normalised_to_one_space_before_the_inward_code() -> None:
    assert normalise_postcode(" zz1  1aa ") == "ZZ1 1AA"
    assert normalise_postcode("ZZ991AB") == "ZZ99 1AB"
    assert normalise_postcode("Z1A 2BD") == "Z1A 2BD"
    assert normalise_postcode("not one") == ""
    assert normalise_postcode("") == ""
    assert normalise_postcode("ZZ1 AAA") == ""


def test_the_layout_before_2025_is_read() -> None:
    reader = ONSPDReader(
        csv_lines(
            OLD_HEADER,
            [
                old_row("ZZ1 1AA"),
                old_row("ZZ1 1AB", la="E06000902", lat="53.812345", lon="-1.512345"),
            ],
        )
    )
    rows = list(reader)
    assert [(r.postcode, r.district, r.la_code) for r in rows] == [
        ("ZZ1 1AA", "ZZ1", "E06000901"),
        ("ZZ1 1AB", "ZZ1", "E06000902"),
    ]
    assert (rows[1].latitude, rows[1].longitude) == (53.812345, -1.512345)
    assert rows[0].line == 2
    assert reader.layout is not None and reader.layout.la_code == "oslaua"
    assert reader.problems == []


def test_the_2025_layout_takes_the_lad_column_whatever_its_year() -> None:
    header = [*NEW_HEADER, "lad26cd"]
    rows = [[*new_row("ZZ2 3CD", la="E06000903"), "E06000999"]]
    reader = ONSPDReader(csv_lines(header, rows))
    (row,) = list(reader)
    assert (row.postcode, row.district, row.la_code) == ("ZZ2 3CD", "ZZ2", "E06000999")
    # County (cty25cd) and electoral division (ced25cd) columns are not mistaken for it.
    assert find_layout(NEW_HEADER).la_code == "lad25cd"


def test_column_names_are_matched_whatever_their_case_and_a_bom() -> None:
    header = ["\ufeffPCD7", "PCD8", "PCDS", "DOINTR", "DOTERM", "EAST1M", "NORTH1M", "LAD25CD"]
    layout = find_layout(header)
    assert (layout.postcode, layout.la_code, layout.east) == ("PCDS", "LAD25CD", "EAST1M")
    assert layout.latitude is None


def test_terminated_postcodes_and_those_without_a_grid_reference_are_skipped() -> None:
    reader = ONSPDReader(
        csv_lines(
            NEW_HEADER,
            [
                new_row("ZZ3 1AA"),
                new_row("ZZ3 1AB", doterm="201904"),
                new_row("ZZ3 1AD", lat="99.999999", lon="0.000000", east="", north=""),
                new_row("ZZ3 1AE", doterm="202212"),
            ],
        )
    )
    assert [r.postcode for r in reader] == ["ZZ3 1AA"]
    assert (reader.terminated, reader.no_grid, reader.problems) == (2, 1, [])


def test_bad_rows_are_reported_by_line_and_field_and_the_rest_read() -> None:
    reader = ONSPDReader(
        csv_lines(
            OLD_HEADER,
            [
                old_row("ZZ4 1AA"),
                old_row("NOT A CODE"),
                old_row("ZZ4 1AB", lat="north"),
                old_row("ZZ4 1AD", doterm="last year"),
                old_row("ZZ4 1AE")[:5],
                old_row("ZZ4 1AF", lat="123.5"),
                old_row(""),
                old_row("ZZ4 1AG"),
            ],
        )
    )
    assert [r.postcode for r in reader] == ["ZZ4 1AA", "ZZ4 1AG"]
    found = [(p.line, p.field) for p in reader.problems]
    assert found == [(3, "pcds"), (4, "lat"), (5, "doterm"), (6, ""), (7, "lat"), (8, "pcds")]
    assert "'NOT A CODE' is not a postcode" in reader.problems[0].reason
    assert "has 5 fields where the header has 14" in reader.problems[3].reason
    assert str(reader.problems[1]) == "line 4, lat: 'north' is not a number"


def test_a_file_without_the_needed_columns_is_refused_naming_them() -> None:
    with pytest.raises(ONSPDError) as refused:
        list(ONSPDReader(csv_lines(["pcds", "lat", "long"], [["ZZ1 1AA", "53", "-1"]])))
    message = str(refused.value)
    assert "doterm" in message and "local authority" in message
    assert "a postcode" not in message
    with pytest.raises(ONSPDError, match="a location"):
        find_layout(["pcds", "doterm", "oslaua"])
    with pytest.raises(ONSPDError, match="empty"):
        list(ONSPDReader([]))


def test_a_grid_reference_alone_is_turned_into_latitude_and_longitude() -> None:
    header = ["pcds", "doterm", "east1m", "north1m", "lad25cd"]
    rows = [
        ["ZZ5 1AA", "", "530000", "180000", "E09000901"],
        ["ZZ5 1AB", "", "", "", "E09000901"],
        ["BT99 1AA", "", "330000", "370000", "N09000901"],
    ]
    reader = ONSPDReader(csv_lines(header, rows))
    (row,) = list(reader)
    # Central London: within a few hundred metres of 51.504 N, 0.128 W.
    assert row.latitude == pytest.approx(51.504, abs=0.005)
    assert row.longitude == pytest.approx(-0.128, abs=0.005)
    assert reader.no_grid == 1
    assert [(p.line, p.field) for p in reader.problems] == [(4, "east1m")]


def test_the_grid_conversion_matches_the_ordnance_surveys_worked_example() -> None:
    # The OS guide's example: TG 51409 13177 is 52° 39' 27.2531" N, 1° 43' 4.5177" E (OSGB36).
    latitude, longitude = grid_to_osgb36(651409.903, 313177.270)
    assert latitude == pytest.approx(52 + 39 / 60 + 27.2531 / 3600, abs=1e-6)
    assert longitude == pytest.approx(1 + 43 / 60 + 4.5177 / 3600, abs=1e-6)
    # WGS84 is some 100 metres from OSGB36 there: the shift is applied, and is small.
    wgs_lat, wgs_lon = grid_to_latlong(651409.903, 313177.270)
    assert 0.0001 < abs(wgs_lon - longitude) < 0.005
    assert abs(wgs_lat - latitude) < 0.002
