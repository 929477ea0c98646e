"""The import of a Standard Safeguarding Dataset extract (homeward.care.ssd_import)."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied

from homeward.care import ssd_import
from homeward.care.models import (
    CareEpisode,
    ImportRun,
    MissingRecord,
    Person,
    Placement,
    ProposedMatch,
)
from homeward.cases import services
from homeward.cases.models import Child, ChildAlias, ChildMatchKey, Episode, RiskFlag
from homeward.formats.ssd_extract import read_tables
from homeward.organisations.models import Authority
from homeward.places.models import Postcode
from tests.care.extract import ExtractBuilder, small_extract
from tests.factories import World, make_world

UK = ZoneInfo("Europe/London")


@pytest.fixture
def world(db: None) -> World:
    return make_world()


def run(builder: ExtractBuilder, **kwargs: object) -> ssd_import.ImportReport:
    return ssd_import.import_extract(read_tables(builder.files()), **kwargs)  # type: ignore[arg-type]


def test_first_import_makes_a_child_per_person_keyed_by_the_person_id(world: World) -> None:
    report = run(small_extract())

    assert report.applied
    assert report.children_added == 3
    assert report.tables["ssd_person"].added == 3
    assert report.tables["ssd_missing"].added == 3
    ayla = Child.objects.get(person_id="P1001")
    assert (ayla.first_name, ayla.last_name, ayla.date_of_birth) == (
        "Ayla",
        "Brennan",
        date(2010, 3, 14),
    )
    assert ayla.sex == "female" and ayla.ethnicity == "WBRI"
    assert ayla.nhs_number == "9434765919"
    assert ayla.upn == "A123456789012"
    assert ayla.reference.startswith("C-")
    assert ayla.responsible_authority == world.authority
    assert ayla.legal_status == "looked_after"
    assert ayla.looked_after_since == date(2024, 4, 1)  # the period's first episode
    assert ayla.placement_type == "foster"  # U4
    assert ayla.postcode == "ZZ1 1AA"
    assert ayla.address == "12, Mill Lane, Exampleton"
    assert ayla.social_worker == "Sam Okafor"  # the open involvement, not the ended one
    kofi = Child.objects.get(person_id="P1002")
    assert kofi.nhs_number == "9434765870"  # from ssd_linked_identifiers
    assert kofi.legal_status == "none" and kofi.placement_type == ""
    # The matcher can find imported children for police reports.
    assert ChildMatchKey.objects.filter(child=ayla).exists()
    assert ImportRun.objects.count() == 1


def test_care_history_is_kept_with_the_legal_status_of_each_episode(world: World) -> None:
    run(small_extract())

    episodes = list(CareEpisode.objects.filter(person__person_id="P1001").order_by("start"))
    assert [(e.ssd_id, e.rne, e.legal_status, e.cin, e.rec) for e in episodes] == [
        ("CE1", "S", "C2", "N1", "X1"),
        ("CE2", "P", "C2", "N1", ""),
    ]
    placement = Placement.objects.get(ssd_id="PL2")
    assert (placement.place, placement.provider, placement.urn) == ("U4", "PR4", "SC123456")
    assert placement.change_reason == "CARPL"


def test_missing_episodes_are_imported_history(world: World) -> None:
    run(small_extract())

    episodes = {e.source_id: e for e in Episode.objects.filter(source="ssd")}
    assert set(episodes) == {"M1", "M2", "M3"}
    first = episodes["M1"]
    assert first.imported
    assert first.child.person_id == "P1001"
    assert first.category == "missing"
    assert first.missing_from == "care"  # during the period of care
    assert first.started_at == datetime(2025, 6, 1, 22, 15, tzinfo=UK)
    assert first.returned_at == datetime(2025, 6, 2, 9, 0, tzinfo=UK)
    assert (first.imported_rhi_offered, first.imported_rhi_accepted) == ("Y", "N")
    # Every other column as a new episode has it (the rows are inserted without the ORM).
    assert first.risk_factors == [] and not first.circumstances  # "" is stored as NULL
    assert first.police_reference == "" and first.interview is None and first.due_at is None
    assert first.created_at is not None and first.child.created_at is not None
    assert episodes["M2"].category == "absent"
    assert episodes["M3"].missing_from == "home"
    assert episodes["M3"].returned_at is None


def test_reimporting_the_same_extract_changes_nothing(world: World) -> None:
    run(small_extract())
    before = {c.pk: c.updated_at for c in Child.objects.all()}
    episodes_before = {e.pk: e.updated_at for e in Episode.objects.all()}

    report = run(small_extract())

    assert report.applied
    for name, counts in report.tables.items():
        assert (counts.added, counts.changed, counts.removed) == (0, 0, 0), name
    assert report.tables["ssd_person"].unchanged == 3
    assert report.tables["ssd_missing"].unchanged == 3
    assert (report.children_added, report.children_changed, report.children_unchanged) == (0, 0, 3)
    assert (report.episodes.added, report.episodes.changed, report.episodes.unchanged) == (0, 0, 3)
    assert {c.pk: c.updated_at for c in Child.objects.all()} == before
    assert {e.pk: e.updated_at for e in Episode.objects.all()} == episodes_before
    assert Child.objects.count() == 3


def test_a_reimport_applies_only_the_changes(world: World) -> None:
    run(small_extract())
    changed = small_extract()
    changed.tables["ssd_person"][1]["pers_surname"] = "Mensah-Boateng"
    changed.tables["ssd_missing"][2]["miss_missing_episode_end_date"] = "2025-09-06 10:00:00"
    changed.add(
        "ssd_missing",
        miss_table_id="M4",
        miss_person_id="P1003",
        miss_missing_episode_start_date="2024-03-03 20:00:00",
        miss_missing_episode_type="M",
        miss_missing_episode_end_date="2024-03-04 08:00:00",
    )

    report = run(changed)

    assert report.tables["ssd_person"].changed == 1
    assert report.tables["ssd_person"].unchanged == 2
    assert (report.tables["ssd_missing"].added, report.tables["ssd_missing"].changed) == (1, 1)
    assert report.children_changed == 1
    assert (report.episodes.added, report.episodes.changed, report.episodes.unchanged) == (1, 1, 2)
    assert Child.objects.get(person_id="P1002").last_name == "Mensah-Boateng"
    returned = Episode.objects.get(source_id="M3").returned_at
    assert returned == datetime(2025, 9, 6, 10, 0, tzinfo=UK)
    assert Episode.objects.get(source_id="M4").missing_from == "care"


def test_fields_homeward_owns_are_never_overwritten(world: World) -> None:
    run(small_extract())
    ayla = Child.objects.get(person_id="P1001")
    ChildAlias.objects.create(child=ayla, name="Ay")
    RiskFlag.objects.create(child=ayla, kind="cse", noted_on=date(2025, 1, 1), source="police")
    own = services.episode_record(
        by=world.user("coordinator"),
        child=ayla,
        category="missing",
        missing_from="care",
        started_at=datetime(2025, 10, 1, 20, 0, tzinfo=UK),
    )
    reference = ayla.reference
    changed = small_extract()
    changed.tables["ssd_person"][0]["pers_forename"] = "Aylah"

    run(changed)

    ayla.refresh_from_db()
    assert ayla.first_name == "Aylah"  # the case system's field
    assert ayla.reference == reference
    assert list(ayla.aliases.values_list("name", flat=True)) == ["Ay"]
    assert ayla.risk_flags.count() == 1
    own.refresh_from_db()
    assert own.source == "homeward" and own.entered_in_error_at is None
    assert own.started_at == datetime(2025, 10, 1, 20, 0, tzinfo=UK)


def test_a_person_gone_from_the_extract_is_reported_not_deleted(world: World) -> None:
    run(small_extract())
    smaller = small_extract()
    for table, rows in smaller.tables.items():
        smaller.tables[table] = [r for r in rows if "P1002" not in r.values()]

    report = run(smaller)

    assert report.gone == ["P1002"]
    assert Person.objects.get(person_id="P1002").gone_since is not None
    assert Child.objects.filter(person_id="P1002").exists()
    assert MissingRecord.objects.filter(ssd_id="M3").exists()
    kept = Episode.objects.get(source_id="M3")
    assert kept.entered_in_error_at is None
    # Back in a later extract: reported as back, no longer gone.
    again = run(small_extract())
    assert again.back == ["P1002"] and again.gone == []
    assert Person.objects.get(person_id="P1002").gone_since is None


def test_an_episode_dropped_by_the_case_system_leaves_the_counts(world: World) -> None:
    run(small_extract())
    fewer = small_extract()
    fewer.tables["ssd_missing"] = [
        r for r in fewer.tables["ssd_missing"] if r["miss_table_id"] != "M2"
    ]

    report = run(fewer)

    assert report.tables["ssd_missing"].removed == 1
    assert report.episodes.removed == 1
    dropped = Episode.objects.get(source_id="M2")
    assert dropped.entered_in_error_at is not None
    assert dropped.entered_in_error_reason == ssd_import.GONE_REASON
    # Unchanged afterwards.
    assert run(fewer).episodes.removed == 0


def test_a_child_homeward_already_had_is_proposed_never_merged(world: World) -> None:
    typed = services.child_create(
        by=world.user("coordinator"),
        first_name="Ayla",
        last_name="Brennan",
        date_of_birth=date(2010, 3, 14),
        sex="female",
    )

    report = run(small_extract())

    assert report.children_added == 2
    assert [(p.person_id, p.child_reference) for p in report.proposals] == [
        ("P1001", typed.reference)
    ]
    assert not Child.objects.filter(person_id="P1001").exists()
    typed.refresh_from_db()
    assert typed.person_id is None
    proposal = ProposedMatch.objects.get()
    assert proposal.band == "match" and proposal.reasons
    assert not Episode.objects.filter(source_id__in=["M1", "M2"]).exists()
    # Imported again before anyone decides: still waiting, nothing made.
    again = run(small_extract())
    assert again.waiting == 1 and again.children_added == 0
    assert Child.objects.count() == 3

    with pytest.raises(PermissionDenied):
        ssd_import.proposal_confirm(by=world.user("worker"), proposal=proposal)
    ssd_import.proposal_confirm(by=world.user("coordinator"), proposal=proposal)

    typed.refresh_from_db()
    assert typed.person_id == "P1001"
    assert typed.nhs_number == "9434765919" and typed.legal_status == "looked_after"
    assert set(typed.episodes.values_list("source_id", flat=True)) == {"M1", "M2"}
    assert run(small_extract()).children_added == 0
    assert Child.objects.count() == 3


def test_a_rejected_proposal_makes_the_person_a_child_of_their_own(world: World) -> None:
    typed = services.child_create(
        by=world.user("coordinator"),
        first_name="Ayla",
        last_name="Brennan",
        date_of_birth=date(2010, 3, 14),
        sex="female",
    )
    run(small_extract())
    ssd_import.proposal_reject(by=world.user("manager"), proposal=ProposedMatch.objects.get())

    report = run(small_extract())

    assert report.children_added == 1 and report.proposals == []
    assert Child.objects.get(person_id="P1001").pk != typed.pk
    typed.refresh_from_db()
    assert typed.person_id is None


def test_a_bad_extract_writes_nothing(world: World) -> None:
    bad = small_extract()
    bad.tables["ssd_cla_placement"][1]["clap_cla_placement_type"] = "H5"

    report = run(bad)

    assert not report.applied
    assert [str(p) for p in report.problems] == [
        "ssd_cla_placement.csv, line 3, clap_cla_placement_type: H5 is not in the SSDA903 "
        "2025-26 placement type (PLACE) codes"
    ]
    assert Person.objects.count() == 0 and Child.objects.count() == 0
    assert ImportRun.objects.count() == 0


def test_a_failure_while_writing_leaves_nothing_half_written(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    def fail(*args: object, **kwargs: object) -> None:
        raise RuntimeError("the database went away")

    monkeypatch.setattr(ssd_import, "_missing_episodes", fail)
    with pytest.raises(RuntimeError):
        run(small_extract())

    assert Person.objects.count() == 0 and Child.objects.count() == 0
    assert MissingRecord.objects.count() == 0


def test_the_host_authority_comes_from_the_placement_postcode(world: World) -> None:
    elsewhere = Authority.objects.create(
        gss_code="E10000098", name="Neighbour County", nation="england"
    )
    Postcode.objects.create(
        postcode="ZZ1 1AA", district="ZZ1", latitude=51.5, longitude=-0.1, la_code="E10000098"
    )
    Postcode.objects.create(
        postcode="ZZ9 9ZZ", district="ZZ9", latitude=51.6, longitude=-0.1, la_code="E10000099"
    )

    run(small_extract())

    assert Placement.objects.get(ssd_id="PL2").host_la_code == "E10000098"
    assert Placement.objects.get(ssd_id="PL1").host_la_code == "E10000099"
    assert Child.objects.get(person_id="P1001").host_authority == elsewhere


def test_a_child_who_left_care_at_sixteen_or_over_is_a_care_leaver(world: World) -> None:
    run(small_extract())
    tomasz = Child.objects.get(person_id="P1003")
    assert tomasz.legal_status == "none"  # never recorded as looked after in homeward

    ongoing = small_extract()
    ongoing.tables["ssd_cla_episodes"][2]["clae_cla_episode_ceased_date"] = ""
    ongoing.tables["ssd_cla_episodes"][2]["clae_cla_episode_ceased_reason"] = ""
    run(ongoing)
    assert Child.objects.get(person_id="P1003").legal_status == "looked_after"
    run(small_extract())
    tomasz.refresh_from_db()
    assert tomasz.legal_status == "care_leaver"  # left at 17
    assert tomasz.looked_after_since is None and tomasz.placement_type == ""


def test_only_an_administrator_uploads(world: World) -> None:
    with pytest.raises(PermissionDenied):
        run(small_extract(), by=world.user("coordinator"))
    report = run(small_extract(), by=world.user("admin"), source="upload")
    assert report.applied
    assert ImportRun.objects.get().by == world.user("admin")


def test_imported_history_is_no_ones_work_and_cannot_be_changed_here(world: World) -> None:
    from homeward.cases import corrections, selectors

    run(small_extract())
    coordinator = world.user("coordinator")
    home = selectors.coordinator_home(user=coordinator)

    assert home.awaiting_allocation == []  # M1 and M2 returned, no interview: imported
    assert home.still_missing == []  # M3 open in the case system
    assert home.new_episodes == []
    imported = Episode.objects.get(source_id="M1")
    with pytest.raises(PermissionDenied, match="case system"):
        corrections.episode_mark_in_error(by=coordinator, episode=imported, reason="wrong")
    with pytest.raises(PermissionDenied, match="case system"):
        corrections.episode_change(by=coordinator, episode=imported, values={}, reason="x")


def test_a_time_in_the_hour_the_clocks_go_back_is_unchanged_on_reimport(world: World) -> None:
    extract = small_extract()
    extract.tables["ssd_missing"][0]["miss_missing_episode_start_date"] = "2025-10-26 01:30:00"
    extract.tables["ssd_missing"][0]["miss_missing_episode_end_date"] = "2025-10-26 09:00:00"
    assert run(extract).applied

    again = run(extract)

    assert again.tables["ssd_missing"].changed == 0
    assert again.episodes.changed == 0


def test_an_import_keeps_a_trace_of_the_ids_it_changed(world: World) -> None:
    run(small_extract())
    first = ImportRun.objects.get().trace_ids()
    assert first["ssd_person"] == {"added": ["P1001", "P1002", "P1003"]}
    assert first["children"] == {"added": ["P1001", "P1002", "P1003"]}
    assert first["episodes"] == {"added": ["M1", "M2", "M3"]}
    changed = small_extract()
    changed.tables["ssd_person"][1]["pers_surname"] = "Mensah-Boateng"
    changed.tables["ssd_missing"][2]["miss_missing_episode_end_date"] = "2025-09-06 10:00:00"
    changed.tables["ssd_missing"] = [
        r for r in changed.tables["ssd_missing"] if r["miss_table_id"] != "M2"
    ]
    changed.add(
        "ssd_missing",
        miss_table_id="M4",
        miss_person_id="P1003",
        miss_missing_episode_start_date="2024-03-03 20:00:00",
        miss_missing_episode_type="M",
    )

    report = run(changed)

    trace = ImportRun.objects.order_by("-pk").first().trace_ids()  # type: ignore[union-attr]
    assert trace == {
        "ssd_person": {"changed": ["P1002"]},
        "ssd_missing": {"added": ["M4"], "changed": ["M3"], "removed": ["M2"]},
        "children": {"changed": ["P1002"]},
        "episodes": {"added": ["M4"], "changed": ["M3"], "removed": ["M2"]},
    }
    assert "Mensah" not in str(trace)  # ids only, never names
    assert report.tables["ssd_missing"].removed == 1
    # Nothing changed: nothing traced.
    run(changed)
    assert ImportRun.objects.order_by("-pk").first().trace_ids() == {}  # type: ignore[union-attr]


def test_an_unchanged_reimport_decrypts_nothing(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    from encrypted_fields.fields import EncryptedFieldMixin

    run(small_extract())
    decrypted: list[str] = []
    original = EncryptedFieldMixin.to_python

    def counting(self: object, value: object) -> object:
        if isinstance(value, str) and value:
            decrypted.append(value)
        return original(self, value)  # type: ignore[arg-type]

    monkeypatch.setattr(EncryptedFieldMixin, "to_python", counting)

    report = run(small_extract())

    assert report.tables["ssd_address"].unchanged == len(small_extract().tables["ssd_address"])
    assert report.children_unchanged == 3
    assert decrypted == []


def test_rows_stored_without_a_digest_are_compared_by_value_once(world: World) -> None:
    run(small_extract())
    for model in (Person, CareEpisode, MissingRecord, Placement):
        model.objects.update(row_hash=None)
    Person.objects.update(child_hash=None)

    report = run(small_extract())

    for name, counts in report.tables.items():
        assert (counts.added, counts.changed, counts.removed) == (0, 0, 0), name
    assert (report.children_changed, report.children_unchanged) == (0, 3)
    assert not Person.objects.filter(row_hash=None).exists()
    assert not Person.objects.filter(child_hash=None).exists()
    assert not MissingRecord.objects.filter(row_hash=None).exists()


def test_a_case_system_field_changed_outside_the_import_is_brought_back(world: World) -> None:
    run(small_extract())
    Child.objects.filter(person_id="P1001").update(
        first_name="Typed", updated_at=datetime(2026, 1, 1, tzinfo=UK)
    )

    report = run(small_extract())

    assert report.children_changed == 1
    assert Child.objects.get(person_id="P1001").first_name == "Ayla"
    assert run(small_extract()).children_changed == 0


def test_the_trace_is_kept_compressed_and_read_back_whole() -> None:
    from homeward.care.ssd_import import _compressed

    for trace in (
        {},
        {"ssd_person": {"added": ["P1", "P2"]}},
        {"ssd_person": {"added": ["P1"], "changed": []}, "ssd_missing": {"removed": ['M"1', "é"]}},
    ):
        stored = ImportRun(trace=_compressed(trace))
        assert stored.trace_ids() == trace
    assert ImportRun().trace_ids() == {}
