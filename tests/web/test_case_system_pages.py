"""The case system's import page (administrators) and its proposed matches (coordinators)."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from datetime import date

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from homeward.care.models import ImportRun, Person, ProposedMatch
from homeward.cases import services
from homeward.cases.models import Child
from tests.care.extract import small_extract
from tests.factories import World

URL = "web:case-system-import"


def zipped() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in small_extract().files().items():
            archive.writestr(f"{name}.csv", data)
    return SimpleUploadedFile("extract.zip", buffer.getvalue(), "application/zip")


def test_an_administrator_uploads_a_zip_and_sees_the_counts(
    world: World, client_for: Callable[[str], Client]
) -> None:
    response = client_for("admin").post(reverse(URL), {"files": zipped()})

    assert response.status_code == 200
    page = response.content.decode()
    assert "The extract was imported" in page
    assert "ssd_person: 3 added, 0 changed, 0 unchanged, 0 removed" in page
    assert "P1001" not in page  # counts only, no person ids
    assert Child.objects.filter(person_id__isnull=False).count() == 3
    assert ImportRun.objects.get().by == world.user("admin")


def test_the_csv_files_themselves_can_be_uploaded(
    world: World, client_for: Callable[[str], Client]
) -> None:
    files = [
        SimpleUploadedFile(f"{name}.csv", data, "text/csv")
        for name, data in small_extract().files().items()
    ]

    response = client_for("admin").post(reverse(URL), {"files": files})

    assert response.status_code == 200
    assert Person.objects.count() == 3


def test_a_bad_extract_lists_its_problems_and_imports_nothing(
    world: World, client_for: Callable[[str], Client]
) -> None:
    bad = small_extract()
    bad.tables["ssd_missing"][0]["miss_missing_rhi_offered"] = "Maybe"
    files = [SimpleUploadedFile(f"{n}.csv", d, "text/csv") for n, d in bad.files().items()]

    response = client_for("admin").post(reverse(URL), {"files": files})

    assert response.status_code == 400
    page = response.content.decode()
    assert "The extract was refused: nothing was imported" in page
    assert "ssd_missing.csv" in page and "miss_missing_rhi_offered" in page
    assert "Maybe is not in the SSD return interview answers (Y, N, NA)" in page
    assert Person.objects.count() == 0


def test_a_missing_table_is_named(world: World, client_for: Callable[[str], Client]) -> None:
    files = [
        SimpleUploadedFile(f"{n}.csv", d, "text/csv")
        for n, d in small_extract().files().items()
        if n != "ssd_address"
    ]

    response = client_for("admin").post(reverse(URL), {"files": files})

    assert response.status_code == 400
    assert "ssd_address.csv" in response.content.decode()
    assert Person.objects.count() == 0


def test_no_file_asks_for_one(world: World, client_for: Callable[[str], Client]) -> None:
    response = client_for("admin").post(reverse(URL), {})

    assert response.status_code == 400
    assert "Select the extract&#x27;s ZIP file or its CSV files" in response.content.decode()


def test_a_coordinator_confirms_a_proposed_match(
    world: World, client_for: Callable[[str], Client]
) -> None:
    typed = services.child_create(
        by=world.user("coordinator"),
        first_name="Ayla",
        last_name="Brennan",
        date_of_birth=date(2010, 3, 14),
        sex="female",
    )
    client_for("admin").post(reverse(URL), {"files": zipped()})
    proposal = ProposedMatch.objects.get()
    coordinator = client_for("coordinator")

    listing = coordinator.get(reverse("web:case-system-matches")).content.decode()
    assert "Case system matches (1)" in listing  # in the menu while one waits
    assert typed.reference in listing and "Likely the same child" in listing
    page = coordinator.get(reverse("web:case-system-match", args=[proposal.pk]))
    assert "Why the matcher suggested it" in page.content.decode()
    empty = coordinator.post(reverse("web:case-system-match", args=[proposal.pk]), {})
    assert empty.status_code == 400
    assert "Select whether this is the same child" in empty.content.decode()

    done = coordinator.post(
        reverse("web:case-system-match", args=[proposal.pk]), {"decision": "confirm"}
    )

    assert done.status_code == 302
    typed.refresh_from_db()
    assert typed.person_id == "P1001"
    after = coordinator.get(reverse("web:case-system-matches")).content.decode()
    assert "There are no proposed matches waiting" in after
    assert "Case system matches (" not in after


def test_a_coordinator_rejects_a_proposed_match(
    world: World, client_for: Callable[[str], Client]
) -> None:
    services.child_create(
        by=world.user("coordinator"),
        first_name="Ayla",
        last_name="Brennan",
        date_of_birth=date(2010, 3, 14),
        sex="female",
    )
    client_for("admin").post(reverse(URL), {"files": zipped()})
    proposal = ProposedMatch.objects.get()

    client_for("manager").post(
        reverse("web:case-system-match", args=[proposal.pk]), {"decision": "reject"}
    )

    proposal.refresh_from_db()
    assert proposal.status == "rejected"
    assert proposal.decided_by == world.user("manager")


def test_an_imported_episode_is_tagged_and_has_no_change_links(
    world: World, client_for: Callable[[str], Client]
) -> None:
    client_for("admin").post(reverse(URL), {"files": zipped()})
    child = Child.objects.get(person_id="P1001")

    page = client_for("coordinator").get(reverse("web:child", args=[child.pk])).content.decode()

    assert page.count("Imported from the case system") == 2
    imported = child.episodes.first()
    assert imported is not None
    assert reverse("web:episode-change", args=[imported.pk]) not in page
