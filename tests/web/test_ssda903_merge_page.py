"""The merged SSDA903 page: the case system's own 903 files uploaded, homeward's Missing table
merged with them, the merged set checked by DfE's validator and offered as a ZIP.

The case system's files are those `homeward synth ssd` writes for a fictional authority (600
generated persons); the validator runs for real on the success path.
"""

from __future__ import annotations

import io
import zipfile
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from homeward.audit.models import AccessEvent
from homeward.cases.models import Child
from homeward.formats import ssda903_merge
from homeward.formats.validator903 import ValidatorFailed
from homeward.synth.ssd import write_ssd
from homeward.web import ssda903_forms
from homeward.web.views import returns
from tests.factories import World, make_child, make_episode

PAGE = reverse("web:returns-ssda903-merge")


@pytest.fixture(scope="module")
def authority_files(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("synth")
    write_ssd(folder, persons=600, seed=1)
    return folder / "ssda903"


def upload(folder: Path, name: str, as_name: str | None = None) -> SimpleUploadedFile:
    path = folder / name
    return SimpleUploadedFile(as_name or path.name, path.read_bytes(), content_type="text/csv")


def form_data(files: Path, **changes: object) -> dict[str, object]:
    data: dict[str, object] = {
        "year": "2025-26",
        "reason": "The DfE return for 2025-26",
        "header": upload(files / "2026", "header.csv"),
        "episodes": upload(files / "2026", "episodes.csv"),
        "previous_header": upload(files / "2025", "header.csv"),
        "previous_episodes": upload(files / "2025", "episodes.csv"),
        "previous_missing": upload(files / "2025", "missing.csv"),
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def looked_after_child(world: World, files: Path) -> Child:
    """A child of homeward's with the case system's person id of a child the case system's
    own Missing table has, and that episode recorded in homeward."""
    line = (files / "2026" / "missing.csv").read_text().splitlines()[1].split(",")
    person, start = line[0], datetime.strptime(line[3], "%d/%m/%Y")
    child = make_child(world)
    Child.objects.filter(pk=child.pk).update(person_id=person)
    make_episode(
        world,
        child,
        started=timezone.make_aware(start.replace(hour=20)),
        returned_after=timedelta(hours=20),
        missing_from="care",
    )
    child.refresh_from_db()
    return child


def test_the_page_is_offered_from_returns_and_exports(client_for):
    assert PAGE in client_for("coordinator").get(reverse("web:returns")).content.decode()
    assert PAGE not in client_for("analyst").get(reverse("web:returns")).content.decode()
    html = client_for("manager").get(PAGE).content.decode()
    assert "Merge the SSDA903 with the case system" in html
    assert 'type="file"' in html and 'enctype="multipart/form-data"' in html


@pytest.mark.parametrize("role", ["analyst", "worker", "police", "admin", "provider_manager"])
def test_nobody_else_may_post_files(client_for, authority_files, role):
    response = client_for(role).post(PAGE, form_data(authority_files))
    assert response.status_code == 403
    assert not AccessEvent.objects.filter(action="export").exists()


def test_the_merge_is_checked_shown_audited_and_downloaded(world, client_for, authority_files):
    child = looked_after_child(world, authority_files)
    client = client_for("coordinator")
    response = client.post(PAGE, form_data(authority_files))
    assert response.status_code == 200, response.content.decode()[:2000]
    html = response.content.decode()
    assert "The merged SSDA903 return, 2025-26" in html
    assert "homeward wrote the Missing table: 1 row for 1 child" in html
    assert "Errors the merge brought: 0" in html
    assert "The merge brought no error" in html
    assert "Errors the case system's files already had:" in html
    (event,) = AccessEvent.objects.filter(action="export", child_id=None)
    assert event.what == "export ssda903 2025-26 merged"
    assert event.reason == "The DfE return for 2025-26"
    assert AccessEvent.objects.filter(action="export", child_id=child.pk).count() == 1
    token = response.context["token"]
    download = client.post(PAGE, {"download": token})
    assert download.status_code == 200
    assert download["Content-Type"] == "application/zip"
    assert download["Content-Disposition"] == ('attachment; filename="ssda903-2025-26-merged.zip"')
    archive = zipfile.ZipFile(io.BytesIO(download.content))
    assert sorted(archive.namelist()) == [
        "episodes.csv", "header.csv", "missing.csv", "notes.txt", "validation.txt",
    ]  # fmt: skip
    header = (authority_files / "2026" / "header.csv").read_bytes()
    assert archive.read("header.csv") == header
    assert archive.read("missing.csv").decode().splitlines()[1].startswith(child.person_id)
    assert "Errors the merge brought: 0" in archive.read("validation.txt").decode()


def test_the_errors_the_merge_brought_are_listed_apart(
    world, client_for, authority_files, monkeypatch
):
    looked_after_child(world, authority_files)

    def check(merged, *, la):
        from homeward.formats.validator903 import RuleError, ValidationRun

        new = RuleError("577", "Missing", 0, "2003196", "Child ceased to be missing...")
        old = RuleError("169", "Episodes", 4, "2001267", "LA of placement is not valid.")
        run = ValidationRun(errors=[new, old], summary={})
        return ssda903_merge.MergeCheck(
            merged=run, baseline=ValidationRun([old], {}), new=[new], already=[old]
        )

    monkeypatch.setattr(ssda903_merge, "check_merge", check)
    response = client_for("manager").post(PAGE, form_data(authority_files))
    assert response.status_code == 200
    html = response.content.decode()
    assert "The merge brought 1 error the case system" in html
    assert "Errors the merge brought: 1" in html
    new_part, old_part = html.split("Errors the case system's files already had: 1")
    assert "577" in new_part and "Child ceased to be missing" in new_part
    assert "rule 169: 1" in old_part and "LA of placement is not valid." in old_part
    assert "2001267" in old_part and "2001267" not in new_part.split("Errors the merge")[-1]


def test_when_the_validator_cannot_run_the_files_are_still_offered(
    world, client_for, authority_files, monkeypatch
):
    def fails(*args: object, **kwargs: object) -> None:
        raise ValidatorFailed("the validator's virtualenv is not built (.venv-903): run make")

    monkeypatch.setattr(ssda903_merge, "check_merge", fails)
    client = client_for("coordinator")
    response = client.post(PAGE, form_data(authority_files, previous_missing=None))
    assert response.status_code == 200
    html = response.content.decode()
    assert "could not be run on this server" in html
    assert ".venv-903" not in html and "make" not in html.split("could not be run")[1][:300]
    download = client.post(PAGE, {"download": response.context["token"]})
    names = zipfile.ZipFile(io.BytesIO(download.content)).namelist()
    assert "validation.txt" not in names and "missing.csv" in names


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"header": None}, "header", "Select this year&#x27;s Header file"),
        ({"episodes": None}, "episodes", "Select this year&#x27;s Episodes file"),
        ({"year": ""}, "year", "Select the collection year"),
        ({"year": "1999-00"}, "year", "Select the collection year"),
        ({"reason": "  "}, "reason", "Enter why you need this export"),
    ],
)
def test_each_missing_answer_is_named(client_for, authority_files, changes, field, message):
    response = client_for("coordinator").post(PAGE, form_data(authority_files, **changes))
    assert response.status_code == 400
    html = response.content.decode()
    assert "govuk-error-summary" in html and message in html
    assert f'href="#id_{field}"' in html
    assert "This field is required" not in html
    assert not AccessEvent.objects.filter(action="export").exists()


def test_files_swapped_or_broken_are_refused_by_line_and_column(client_for, authority_files):
    this = authority_files / "2026"
    broken = (this / "episodes.csv").read_text().splitlines()
    cells = broken[2].split(",")
    cells[1] = "2025-04-31"
    broken[2] = ",".join(cells)
    response = client_for("coordinator").post(
        PAGE,
        form_data(
            authority_files,
            header=upload(this, "episodes.csv", "lcs_header.csv"),
            episodes=SimpleUploadedFile("lcs_episodes.csv", "\n".join(broken).encode()),
            previous_missing=upload(authority_files / "2025", "header.csv", "missing.csv"),
        ),
    )
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert errors["header"][0].startswith(
        "This year's Header file: lcs_header.csv, line 1: the columns are CHILD,DECOM,"
    )
    assert errors["episodes"] == [
        "This year's Episodes file: lcs_episodes.csv, line 3, DECOM: '2025-04-31' is not a "
        "date (dd/mm/YYYY)"
    ]
    assert errors["previous_missing"][0].startswith("Last year's Missing file: missing.csv")
    assert not AccessEvent.objects.filter(action="export").exists()


def test_many_problems_in_one_file_are_counted_not_all_listed(client_for, authority_files):
    rows = ["CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB"] + [f"C{n},M,,WBRI,UN1,," for n in range(25)]
    response = client_for("coordinator").post(
        PAGE,
        form_data(authority_files, header=SimpleUploadedFile("h.csv", "\n".join(rows).encode())),
    )
    errors = response.context["form"].errors["header"]
    assert len(errors) == ssda903_forms.SHOWN_PROBLEMS + 1
    assert errors[-1] == "This year's Header file: 15 more problems"


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("header.xlsx", b"PK\x03\x04 a workbook", "must be a CSV file"),
        ("header.csv", b"PK\x03\x04\x14\x00 a zip", "is not a CSV file"),
        ("header.csv", b"MZ\x90\x00\x03\x00", "is not a CSV file"),
        ("header.csv", b"", "The selected file for this year"),
        ("header.csv", b"\xff\xfeC\x00H\x00", "is not a CSV file"),
    ],
)
def test_a_file_that_is_not_a_csv_is_refused_before_it_is_read(
    client_for, authority_files, name, content, message
):
    # A new file for each run (a file made when the tests are collected is read to its end
    # by the first run, and would be empty for any run after it).
    file = SimpleUploadedFile(name, content)
    response = client_for("coordinator").post(PAGE, form_data(authority_files, header=file))
    assert response.status_code == 400
    (error,) = response.context["form"].errors["header"]
    assert message in error
    assert not AccessEvent.objects.filter(action="export").exists()


def test_an_oversized_file_is_refused_before_it_is_read(client_for, authority_files, monkeypatch):
    read = ssda903_merge.read_case_table

    def never(name: str, *args: object) -> object:
        assert name != "big.csv", "an oversized file was read as a 903 table"
        return read(name, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(ssda903_merge, "read_case_table", never)
    big = b"CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\n" + b"1," * (ssda903_forms.MAX_903_FILE_BYTES)
    response = client_for("coordinator").post(
        PAGE, form_data(authority_files, episodes=SimpleUploadedFile("big.csv", big))
    )
    assert response.status_code == 400
    assert response.context["form"].errors["episodes"] == [
        "The selected file for this year's Episodes file must be smaller than 10 MB"
    ]


def test_a_download_token_is_for_its_maker_only_and_expires(world, client_for, monkeypatch):
    coordinator, manager = world.user("coordinator"), world.user("manager")
    token = returns.seal_download(user_id=coordinator.pk, filename="x.zip", data=b"PK zip")
    assert returns.open_download(token, user_id=coordinator.pk) == ("x.zip", b"PK zip")
    assert returns.open_download(token, user_id=manager.pk) is None
    assert returns.open_download(token[:-4] + "AAAA", user_id=coordinator.pk) is None
    assert returns.open_download("not a token é", user_id=coordinator.pk) is None
    refused = client_for("manager").post(PAGE, {"download": token})
    assert refused.status_code == 400
    assert "The merged files are no longer available" in refused.content.decode()
    monkeypatch.setattr(returns, "MERGED_KEPT_SECONDS", -1)
    assert returns.open_download(token, user_id=coordinator.pk) is None
