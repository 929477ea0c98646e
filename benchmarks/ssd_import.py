"""Importing a full-size Standard Safeguarding Dataset extract: `benchmarks/ssd_import_run.sh`.

`prepare PERSONS DIR`: write an SSD extract of PERSONS made-up persons (generated names,
never real people) into DIR, one CSV per table, with the shape of a large authority's:
every person with an address (a fifth with a second, earlier one), a UPN and an involvement;
12 % of them (12,000 of 100,000) with a period of care of one to three episodes, their legal
statuses and placements; 60 % as many missing episodes as persons (60,000 of 100,000),
most of them of children in care. Seeded: the same arguments write the same files.

`authority`: make the home authority in the database of the environment (the import keys
children to it).
"""

from __future__ import annotations

import csv
import random
import sys
from datetime import date, datetime, timedelta
from pathlib import Path

FORENAMES = [
    "Ayla",
    "Kofi",
    "Tomasz",
    "Riley",
    "Casey",
    "Jordan",
    "Sam",
    "Alex",
    "Morgan",
    "Taylor",
    "Jamie",
    "Charlie",
    "Robin",
    "Avery",
    "Quinn",
    "Rowan",
    "Ellis",
    "Harper",
    "Logan",
    "Reese",
    "Skyler",
    "Emerson",
    "Finley",
    "Hayden",
    "Kai",
    "Remi",
    "Sasha",
    "Toni",
]
SURNAMES = [
    "Brennan",
    "Mensah",
    "Nowak",
    "Sample",
    "Okafor",
    "Pryce",
    "Hughes",
    "Patel",
    "Khan",
    "Murphy",
    "Walsh",
    "Evans",
    "Roberts",
    "Jones",
    "Smith",
    "Taylor",
    "Brown",
    "Wilson",
    "Thomas",
    "Davies",
    "Clarke",
    "Lewis",
    "Wright",
    "Green",
    "Hall",
    "Wood",
    "Young",
]
ETHNIC = ("WBRI", "WOTH", "MWBC", "AIND", "APKN", "BAFR", "BCRB", "CHNE", "OOTH", "NOBT")
PLACES = ("U1", "U3", "U4", "U6", "K2", "K3", "P1", "S1", "Z14", "R1")
PROVIDER = {"U1": "PR1", "U3": "PR1", "U4": "PR4", "U6": "PR1", "K2": "PR4", "K3": "PR4",
            "P1": "PR0", "S1": "PR4", "Z14": "", "R1": "PR3"}  # fmt: skip
LS = ("C2", "C1", "V2", "E1", "J2")


def _nhs(n: int) -> str:
    """A valid NHS number (modulus 11) made from `n`."""
    while True:
        body = f"{(n * 7919) % 10**9:09d}"
        total = sum(int(d) * w for d, w in zip(body, range(10, 1, -1), strict=True))
        check = (11 - total % 11) % 11
        if check != 10:
            return body + str(check)
        n += 1


def _write(directory: Path, name: str, header: list[str], rows: list[list[object]]) -> None:
    with (directory / f"{name}.csv").open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(header)
        writer.writerows(rows)


def prepare(persons: int, directory: Path) -> None:
    rng = random.Random(13)
    directory.mkdir(parents=True, exist_ok=True)
    today = date(2026, 12, 1)
    person_rows, links, addresses, statuses, episodes, placements = [], [], [], [], [], []
    involvements, missing = [], []
    in_care = set(rng.sample(range(persons), persons * 12 // 100))
    care_start: dict[int, date] = {}
    for n in range(persons):
        pid = f"P{n:07d}"
        born = date(2008, 1, 1) + timedelta(days=rng.randrange(0, 365 * 17))
        person_rows.append([pid, rng.choice(FORENAMES), rng.choice(SURNAMES), rng.choice("FM"),
                            rng.choice(ETHNIC), born.isoformat(), _nhs(n), "", ""])  # fmt: skip
        links.append([f"L{n}", pid, "Unique Pupil Number", f"A{n:011d}{n % 10}", "2015-09-01", ""])
        moved = born + timedelta(days=rng.randrange(365, 365 * 6))
        district = f"ZZ{n % 90 + 1}"
        if n % 5 == 0:
            addresses.append([f"AD{n}b", pid, '{"HOUSE": "1", "STREET": "Old Road"}', "Home",
                              born.isoformat(), moved.isoformat(), f"{district}9ZZ"])  # fmt: skip
        addresses.append([f"AD{n}", pid, f'{{"HOUSE": "{n % 200}", "STREET": "Example Street"}}',
                          "Home", moved.isoformat(), "", f"{district}1AA"])  # fmt: skip
        worker = f"W{n % 500}"
        involvements.append([f"I{n}", pid, worker, "Allocated Case Worker", "Team",
                             "2025-01-01", ""])  # fmt: skip
        if n in in_care:
            start = max(born + timedelta(days=30), today - timedelta(days=rng.randrange(30, 2000)))
            care_start[n] = start
            status = rng.choice(LS)
            statuses.append([f"LS{n}", pid, status, start.isoformat(), ""])
            day = start
            for e in range(rng.choice((1, 1, 2, 3))):
                end = day + timedelta(days=rng.randrange(60, 300))
                last = end >= today
                place = rng.choice(PLACES)
                episodes.append([f"CE{n}-{e}", pid, day.isoformat(), "S" if e == 0 else "P",
                                 "N1", "" if last else end.isoformat(), "" if last else "X1",
                                 f"CLA{n}", f"PL{n}-{e}"])  # fmt: skip
                postcode = f"ZZ{(n + e) % 90 + 1}2BB"
                placements.append([f"PL{n}-{e}", pid, f"CLA{n}", day.isoformat(),
                                   "" if last else end.isoformat(), place, PROVIDER[place],
                                   "", postcode, "" if last else "CARPL"])  # fmt: skip
                if last:
                    break
                day = end
            else:
                episodes[-1][5] = ""
                episodes[-1][6] = ""
                placements[-1][4] = ""
                placements[-1][9] = ""
    cared = sorted(in_care)
    for m in range(persons * 60 // 100):
        n = rng.choice(cared) if m % 5 else rng.randrange(persons)
        start_day = care_start.get(n, today - timedelta(days=800))
        started = datetime.combine(start_day, datetime.min.time()) + timedelta(
            hours=rng.randrange(24, 24 * 600), minutes=rng.randrange(60)
        )
        if started.date() >= today:
            started = datetime(2026, 11, 1, 20, 0)
        ended = started + timedelta(hours=rng.randrange(2, 72))
        open_ = m % 500 == 0
        missing.append([f"M{m}", f"P{n:07d}", started.isoformat(" "), "M" if m % 4 else "A",
                        "" if open_ else ended.isoformat(" "), rng.choice(("Y", "N", "NA", "")),
                        rng.choice(("Y", "N", "NA", ""))])  # fmt: skip
    _write(directory, "ssd_person", ["pers_person_id", "pers_forename", "pers_surname",
           "pers_sex", "pers_ethnicity", "pers_dob", "pers_common_child_id",
           "pers_upn_unknown", "pers_death_date"], person_rows)  # fmt: skip
    _write(directory, "ssd_linked_identifiers", ["link_table_id", "link_person_id",
           "link_identifier_type", "link_identifier_value", "link_valid_from_date",
           "link_valid_to_date"], links)  # fmt: skip
    _write(directory, "ssd_address", ["addr_table_id", "addr_person_id", "addr_address_json",
           "addr_address_type", "addr_address_start_date", "addr_address_end_date",
           "addr_address_postcode"], addresses)  # fmt: skip
    _write(directory, "ssd_legal_status", ["lega_legal_status_id", "lega_person_id",
           "lega_legal_status", "lega_legal_status_start_date", "lega_legal_status_end_date"],
           statuses)  # fmt: skip
    _write(directory, "ssd_cla_episodes", ["clae_cla_episode_id", "clae_person_id",
           "clae_cla_episode_start_date", "clae_cla_episode_start_reason",
           "clae_cla_primary_need_code", "clae_cla_episode_ceased_date",
           "clae_cla_episode_ceased_reason", "clae_cla_id", "clae_cla_placement_id"],
           episodes)  # fmt: skip
    _write(directory, "ssd_cla_placement", ["clap_cla_placement_id", "clap_person_id",
           "clap_cla_id", "clap_cla_placement_start_date", "clap_cla_placement_end_date",
           "clap_cla_placement_type", "clap_cla_placement_provider", "clap_cla_placement_urn",
           "clap_cla_placement_postcode", "clap_cla_placement_change_reason"],
           placements)  # fmt: skip
    _write(directory, "ssd_professionals", ["prof_professional_id", "prof_professional_name",
           "prof_professional_job_title"],
           [[f"W{w}", f"{FORENAMES[w % 28]} {SURNAMES[w % 27]}", "Social Worker"]
            for w in range(500)])  # fmt: skip
    _write(directory, "ssd_involvements", ["invo_involvements_id", "invo_person_id",
           "invo_professional_id", "invo_professional_role_id", "invo_professional_team",
           "invo_involvement_start_date", "invo_involvement_end_date"],
           involvements)  # fmt: skip
    _write(directory, "ssd_missing", ["miss_table_id", "miss_person_id",
           "miss_missing_episode_start_date", "miss_missing_episode_type",
           "miss_missing_episode_end_date", "miss_missing_rhi_offered",
           "miss_missing_rhi_accepted"], missing)  # fmt: skip
    print(f"{directory}: {persons} persons, {len(in_care)} periods of care, "
          f"{len(episodes)} episodes of care, {len(missing)} missing episodes")  # fmt: skip


def authority() -> None:
    import os

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "homeward.site.settings")
    django.setup()
    from homeward.organisations.models import Authority

    Authority.objects.get_or_create(
        gss_code="E10000099",
        defaults={"name": "Fictional County Council", "nation": "england", "is_home": True},
    )


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "prepare":
        prepare(int(sys.argv[2]), Path(sys.argv[3]))
    elif sys.argv[1:] == ["authority"]:
        authority()
    else:
        raise SystemExit("usage: ssd_import.py prepare PERSONS DIR | authority")
