"""Small Standard Safeguarding Dataset extracts built in code for the import's tests
(generated people only): `Extract` holds each table's rows as dictionaries of the spec's
field names, `files()` writes them as the CSV files an extract has."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from homeward.formats.ssd_extract import COLUMNS


@dataclass
class ExtractBuilder:
    tables: dict[str, list[dict[str, str]]] = field(
        default_factory=lambda: {name: [] for name in COLUMNS}
    )

    def add(self, table: str, **values: Any) -> dict[str, str]:
        row = {column: "" for column in COLUMNS[table]}
        for key, value in values.items():
            column = key if key in row else next(c for c in row if c.endswith(key))
            row[column] = "" if value is None else str(value)
        self.tables[table].append(row)
        return row

    def files(self) -> dict[str, bytes]:
        out = {}
        for name, rows in self.tables.items():
            buffer = io.StringIO()
            writer = csv.DictWriter(buffer, fieldnames=list(COLUMNS[name]), lineterminator="\r\n")
            writer.writeheader()
            writer.writerows(rows)
            out[name] = buffer.getvalue().encode()
        return out

    def write(self, directory: Path) -> Path:
        directory.mkdir(parents=True, exist_ok=True)
        for name, data in self.files().items():
            (directory / f"{name}.csv").write_bytes(data)
        return directory


def small_extract() -> ExtractBuilder:
    """Three children of a fictional authority: P1001 looked after since 2024 (placed in
    foster care out of area, two missing episodes), P1002 never looked after (one missing
    from home), P1003 left care in 2025."""
    e = ExtractBuilder()
    e.add(
        "ssd_person",
        pers_person_id="P1001",
        forename="Ayla",
        surname="Brennan",
        sex="F",
        ethnicity="WBRI",
        dob="2010-03-14",
        common_child_id="9434765919",
    )
    e.add(
        "ssd_person",
        pers_person_id="P1002",
        forename="Kofi",
        surname="Mensah",
        sex="M",
        ethnicity="BAFR",
        dob="2011-07-02 00:00:00",
        common_child_id="",
    )
    e.add(
        "ssd_person",
        pers_person_id="P1003",
        forename="Tomasz",
        surname="Nowak",
        sex="M",
        ethnicity="WOTH",
        dob="2008-01-20",
        common_child_id="",
    )
    e.add(
        "ssd_linked_identifiers",
        link_table_id="L1",
        link_person_id="P1001",
        link_identifier_type="Unique Pupil Number",
        link_identifier_value="A123456789012",
        link_valid_from_date="2015-09-01",
    )
    e.add(
        "ssd_linked_identifiers",
        link_table_id="L2",
        link_person_id="P1002",
        link_identifier_type="NHS Number",
        link_identifier_value="943 476 5870",
    )
    e.add(
        "ssd_address",
        addr_table_id="AD1",
        addr_person_id="P1001",
        addr_address_json='{"ROOM": "", "FLAT": "", "HOUSE": "12", "STREET": "Mill Lane", '
        '"TOWN": "Exampleton", "UPRN": "1"}',
        addr_address_type="Placement",
        addr_address_start_date="2024-05-01",
        addr_address_postcode="ZZ11AA",
    )
    e.add(
        "ssd_address",
        addr_table_id="AD2",
        addr_person_id="P1002",
        addr_address_json="3 Oak Road, Exampleton",
        addr_address_type="Home",
        addr_address_start_date="2019-01-01",
        addr_address_postcode="ZZ2 2BB",
    )
    e.add(
        "ssd_legal_status",
        lega_legal_status_id="LS1",
        lega_person_id="P1001",
        lega_legal_status="C2",
        lega_legal_status_start_date="2024-04-01",
    )
    e.add(
        "ssd_legal_status",
        lega_legal_status_id="LS2",
        lega_person_id="P1003",
        lega_legal_status="V2",
        lega_legal_status_start_date="2023-02-01",
        lega_legal_status_end_date="2025-02-01",
    )
    e.add(
        "ssd_cla_episodes",
        clae_cla_episode_id="CE1",
        clae_person_id="P1001",
        clae_cla_episode_start_date="2024-04-01",
        clae_cla_episode_start_reason="S",
        clae_cla_primary_need_code="N1",
        clae_cla_episode_ceased_date="2024-05-01",
        clae_cla_episode_ceased_reason="X1",
        clae_cla_id="CLA1",
        clae_cla_placement_id="PL1",
    )
    e.add(
        "ssd_cla_episodes",
        clae_cla_episode_id="CE2",
        clae_person_id="P1001",
        clae_cla_episode_start_date="2024-05-01",
        clae_cla_episode_start_reason="P",
        clae_cla_primary_need_code="N1",
        clae_cla_id="CLA1",
        clae_cla_placement_id="PL2",
    )
    e.add(
        "ssd_cla_episodes",
        clae_cla_episode_id="CE3",
        clae_person_id="P1003",
        clae_cla_episode_start_date="2023-02-01",
        clae_cla_episode_start_reason="S",
        clae_cla_primary_need_code="N4",
        clae_cla_episode_ceased_date="2025-02-01",
        clae_cla_episode_ceased_reason="E13",
        clae_cla_id="CLA2",
        clae_cla_placement_id="PL3",
    )
    e.add(
        "ssd_cla_placement",
        clap_cla_placement_id="PL1",
        clap_person_id="P1001",
        clap_cla_id="CLA1",
        clap_cla_placement_start_date="2024-04-01",
        clap_cla_placement_end_date="2024-05-01",
        clap_cla_placement_type="U6",
        clap_cla_placement_provider="PR1",
        clap_cla_placement_postcode="ZZ9 9ZZ",
    )
    e.add(
        "ssd_cla_placement",
        clap_cla_placement_id="PL2",
        clap_person_id="P1001",
        clap_cla_id="CLA1",
        clap_cla_placement_start_date="2024-05-01",
        clap_cla_placement_type="U4",
        clap_cla_placement_provider="PR4",
        clap_cla_placement_urn="SC123456",
        clap_cla_placement_postcode="ZZ11AA",
        clap_cla_placement_change_reason="CARPL",
    )
    e.add(
        "ssd_cla_placement",
        clap_cla_placement_id="PL3",
        clap_person_id="P1003",
        clap_cla_id="CLA2",
        clap_cla_placement_start_date="2023-02-01",
        clap_cla_placement_end_date="2025-02-01",
        clap_cla_placement_type="K2",
        clap_cla_placement_provider="PR4",
    )
    e.add(
        "ssd_professionals",
        prof_professional_id="W1",
        prof_professional_name="Sam Okafor",
        prof_professional_job_title="Social Worker",
    )
    e.add(
        "ssd_professionals",
        prof_professional_id="W2",
        prof_professional_name="Jo Pryce",
        prof_professional_job_title="Social Worker",
    )
    e.add(
        "ssd_involvements",
        invo_involvements_id="I1",
        invo_person_id="P1001",
        invo_professional_id="W2",
        invo_professional_role_id="Allocated Case Worker",
        invo_involvement_start_date="2024-01-01",
        invo_involvement_end_date="2024-06-01",
    )
    e.add(
        "ssd_involvements",
        invo_involvements_id="I2",
        invo_person_id="P1001",
        invo_professional_id="W1",
        invo_professional_role_id="Allocated Case Worker",
        invo_involvement_start_date="2024-06-01",
    )
    e.add(
        "ssd_missing",
        miss_table_id="M1",
        miss_person_id="P1001",
        miss_missing_episode_start_date="2025-06-01 22:15:00",
        miss_missing_episode_type="M",
        miss_missing_episode_end_date="2025-06-02 09:00:00",
        miss_missing_rhi_offered="Y",
        miss_missing_rhi_accepted="N",
    )
    e.add(
        "ssd_missing",
        miss_table_id="M2",
        miss_person_id="P1001",
        miss_missing_episode_start_date="2025-08-10 18:00:00",
        miss_missing_episode_type="A",
        miss_missing_episode_end_date="2025-08-10 23:30:00",
        miss_missing_rhi_offered="NA",
        miss_missing_rhi_accepted="NA",
    )
    e.add(
        "ssd_missing",
        miss_table_id="M3",
        miss_person_id="P1002",
        miss_missing_episode_start_date="2025-09-05 16:00:00",
        miss_missing_episode_type="M",
        miss_missing_episode_end_date="",
        miss_missing_rhi_offered="",
        miss_missing_rhi_accepted="",
    )
    return e
