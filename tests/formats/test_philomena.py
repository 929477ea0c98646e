"""The Philomena Protocol profile's questions, review date and photo checks."""

from __future__ import annotations

import io
from datetime import date, timedelta
from pathlib import Path

import pytest
from PIL import Image

from homeward.formats import philomena


def jpeg(size: tuple[int, int] = (80, 60), **save: object) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (10, 120, 200)).save(out, "JPEG", **save)
    return out.getvalue()


def test_every_question_is_limited_and_one_must_be_answered() -> None:
    assert philomena.check_answers({"clothing": "A red coat"}) == {}
    assert philomena.check_answers({}) == {
        "description": "Answer at least one question: say what the child looks like"
    }
    assert philomena.check_answers({"description": "  "}) != {}
    long = philomena.check_answers({"risks": "x" * 2001})
    assert long == {"risks": "Risks to the child must be 2,000 characters or fewer"}
    assert "risks" in philomena.check_answers({"risks": "a\x00b"})


def test_the_review_is_within_a_year_and_not_past() -> None:
    today = date(2026, 12, 7)
    assert philomena.check_review(today, today=today) == ""
    assert philomena.check_review(today + timedelta(days=366), today=today) == ""
    assert "within a year" in philomena.check_review(today + timedelta(days=367), today=today)
    assert "today or in the future" in philomena.check_review(
        today - timedelta(days=1), today=today
    )
    assert philomena.check_review(None, today=today).startswith("Enter")


def test_a_photo_loses_its_metadata_and_is_made_small_and_upright() -> None:
    exif = Image.Exif()
    exif[0x010F] = "A phone maker"  # Make
    exif[0x0112] = 6  # Orientation: rotated 90 degrees
    exif[0x8825] = {1: "N", 2: (51.0, 30.0, 0.0)}  # GPS: where it was taken
    data = jpeg((2400, 1800), exif=exif.tobytes())
    assert b"A phone maker" in data
    cleaned, width, height = philomena.clean_photo(data)
    assert b"A phone maker" not in cleaned and b"Exif" not in cleaned
    with Image.open(io.BytesIO(cleaned)) as image:
        assert image.format == "JPEG"
        assert image.size == (width, height) == (900, 1200)  # turned upright, then shrunk
        assert not image.getexif()


def test_a_png_is_taken_as_a_jpeg() -> None:
    out = io.BytesIO()
    Image.new("RGBA", (50, 50), (0, 0, 0, 0)).save(out, "PNG")
    cleaned, width, height = philomena.clean_photo(out.getvalue())
    assert cleaned.startswith(b"\xff\xd8\xff") and (width, height) == (50, 50)


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b"GIF89a" + b"\x00" * 100, "must be a JPEG or PNG"),
        (b"\xff\xd8\xff" + b"not really a picture", "could not be read"),
        (b"\xff\xd8\xff" + b"\x00" * (philomena.PHOTO_MOST_BYTES + 1), "smaller than 8 MB"),
    ],
)
def test_anything_else_is_refused_in_words(data: bytes, words: str) -> None:
    with pytest.raises(philomena.PhotoError, match=words):
        philomena.clean_photo(data)


@pytest.mark.parametrize("size", [(10_000, 10_000), (4_001, 4_001)])
def test_a_photo_that_would_unpack_to_gigabytes_is_refused_before_it_is_read(
    size: tuple[int, int],
) -> None:
    """A PNG is decoded whole: at most 16 million pixels (a JPEG is decoded small)."""
    out = io.BytesIO()
    Image.new("1", size).save(out, "PNG")  # a few kB, many millions of pixels
    data = out.getvalue()
    assert len(data) < 100_000
    with pytest.raises(philomena.PhotoError, match="too many pixels"):
        philomena.clean_photo(data)


HERE = Path(__file__).parent


@pytest.mark.parametrize(
    "name",
    [
        "philomena_broken.png",  # a PNG the decoder stops on with SyntaxError
        "philomena_bad_exif.jpg",  # a JPEG whose EXIF block made exif_transpose raise TypeError
    ],
)
def test_files_found_by_fuzzing_are_refused_not_a_server_error(name: str) -> None:
    """Both were 500s on the profile's change page (a review's fuzzing found them)."""
    data = (HERE / name).read_bytes()
    try:
        cleaned, _w, _h = philomena.clean_photo(data)
    except philomena.PhotoError as refused:
        assert "could not be read" in str(refused)
    else:  # read as well as it can be: then a clean JPEG
        assert cleaned.startswith(b"\xff\xd8\xff") and b"Exif" not in cleaned


def test_a_phones_multi_picture_jpeg_is_taken_by_its_first_picture() -> None:
    first, second = Image.new("RGB", (80, 60), (200, 0, 0)), Image.new("RGB", (80, 60))
    out = io.BytesIO()
    first.save(out, "MPO", save_all=True, append_images=[second])
    data = out.getvalue()
    with Image.open(io.BytesIO(data)) as check:
        assert check.format == "MPO"
    cleaned, width, height = philomena.clean_photo(data)
    with Image.open(io.BytesIO(cleaned)) as image:
        assert (width, height) == (80, 60) and image.getpixel((40, 30))[0] > 150


def test_a_big_jpeg_is_decoded_small_and_made_the_kept_size() -> None:
    _cleaned, width, height = philomena.clean_photo(jpeg((4000, 3000)))
    assert (width, height) == (1200, 900)


def test_wales_keeps_it_as_the_child_information_form() -> None:
    assert philomena.title("wales") == "Child Information Form"
    assert philomena.title("england") == "Philomena Protocol profile"


def test_the_structured_copy_carries_what_was_answered() -> None:
    copy = philomena.structured_copy(
        child={"reference": "C-1"},
        answers={"description": "Tall", "clothing": " ", "risks": "Exploitation"},
        version=3,
        recorded_at="2026-12-07T10:00:00+00:00",
        review_on=date(2027, 3, 1),
        nation="england",
    )
    assert copy["format"] == "homeward.missing-profile/1"
    assert copy["answers"] == {"description": "Tall", "risks": "Exploitation"}
    assert copy["version"] == 3 and copy["review_on"] == "2027-03-01"
    assert "photo_jpeg_base64" not in copy


def test_no_comment_profile_or_xmp_survives() -> None:
    """Pillow keeps a JPEG's comment (and ICC profile) in what it saves unless told not to."""
    xmp = b'<x:xmpmeta xmlns:x="adobe:ns:meta/">GPS here</x:xmpmeta>'
    data = jpeg(comment=b"taken at 12 Mill Road", icc_profile=b"ICC-PROFILE-BYTES", xmp=xmp)
    assert b"12 Mill Road" in data and b"GPS here" in data
    cleaned, _width, _height = philomena.clean_photo(data)
    for secret in (b"12 Mill Road", b"ICC-PROFILE-BYTES", b"GPS here", b"xmpmeta"):
        assert secret not in cleaned
    travelled = philomena.travel_photo(cleaned)
    assert travelled is not None


def test_a_travelling_photo_larger_than_it_can_be_is_refused_before_it_is_decoded() -> None:
    out = io.BytesIO()
    Image.new("1", (4000, 4000)).save(out, "PNG")  # small file, 16 million pixels
    with pytest.raises(philomena.PhotoError, match="larger than 600 pixels"):
        philomena.clean_photo(out.getvalue(), most_side=philomena.TRAVEL_SIDE)
    assert philomena.clean_photo(jpeg((600, 400)), most_side=600)[1:] == (600, 400)
