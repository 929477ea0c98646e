"""The Philomena Protocol profile: what the police need the moment a child in care is
reported missing, written down beforehand by the people who know the child (docs/profile.md).

The Philomena Protocol (first used in North Yorkshire, now adopted by forces across England)
asks the carers and the authority of a child in care to keep a profile of the child: how
they look, what they wear, their phones and accounts, the people and places they go to,
their health needs, how they travel, the risks to them and what worked the last time they
were found. It is handed to the police when the child is reported missing, so the first
hours are not spent gathering it. Wales keeps the same record as the Child Information Form
of its missing-from-care protocol.

This module holds the profile's questions, their limits and checks, the photo's checks
(a JPEG or PNG, re-encoded without its metadata), and the structured copy that travels to
the police and with placement notices. It does not import Django.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Final

#: The structured copy's format and version (`structured_copy`).
FORMAT: Final = "homeward.missing-profile/1"

#: The longest photo taken, before it is read, and the most pixels it may hold (a small
#: file can still unpack to gigabytes): a JPEG is decoded at a fraction of its size, a PNG
#: whole (about 64 MB at its most).
PHOTO_MOST_BYTES: Final = 8 * 1024 * 1024
PHOTO_MOST_PIXELS: Final = 50_000_000
PNG_MOST_PIXELS: Final = 16_000_000
#: The photo is kept and sent at most this many pixels on its longer side.
PHOTO_SIDE: Final = 1200

#: A review is due at most this long after the last (and may be set sooner).
REVIEW_AT_MOST: Final = timedelta(days=366)


@dataclass(frozen=True)
class Question:
    """One question of the profile: its field name, its label, a hint, and the longest
    answer taken."""

    name: str
    label: str
    hint: str
    most: int = 2000


QUESTIONS: Final[tuple[Question, ...]] = (
    Question(
        "description",
        "What the child looks like",
        "Height, build, hair, eyes, skin, glasses, scars, tattoos, piercings, how they "
        "speak and any accent",
    ),
    Question("clothing", "What they usually wear", "Coats, shoes, bags, favourite clothes"),
    Question(
        "phones",
        "Phones and social media",
        "Phone numbers, the apps and account names they use, any second phone",
    ),
    Question(
        "associates",
        "Friends, family and people of concern",
        "Names, how they know them, where they live, and why there is concern",
    ),
    Question(
        "places",
        "Addresses and places they go to",
        "Where they have been found before, places they like to go, addresses of family "
        "and friends",
    ),
    Question(
        "medical",
        "Medical needs and medication",
        "Conditions, medication, when it is due and what happens without it, allergies",
    ),
    Question(
        "transport",
        "How they travel",
        "Buses, trains and routes they use, bikes, lifts, travel passes, money they have",
    ),
    Question(
        "risks",
        "Risks to the child",
        "Exploitation, self-harm, substances, people who may harm them, what puts them at "
        "risk when missing",
    ),
    Question(
        "what_worked",
        "What worked the last time",
        "Where they were found, who found them, who they will talk to, what helped them come back",
    ),
    Question(
        "communication",
        "Language, communication and needs",
        "First language, how to speak to them, disabilities, faith or cultural needs",
    ),
)

NAMES: Final[tuple[str, ...]] = tuple(q.name for q in QUESTIONS)

#: The most lines an answer takes (the grab pack is meant to be one page).
LINES_MOST: Final = 30


def title(nation: str) -> str:
    """The profile's name where the child's responsible authority is: Wales' Child
    Information Form is the same record."""
    return "Child Information Form" if nation == "wales" else "Philomena Protocol profile"


def check_answers(answers: dict[str, str]) -> dict[str, str]:
    """Each answer's problem, by question (empty: none). At least one question answered."""
    problems: dict[str, str] = {}
    for question in QUESTIONS:
        text = answers.get(question.name, "")
        if len(text) > question.most:
            problems[question.name] = (
                f"{question.label} must be {question.most:,} characters or fewer"
            )
        elif "\x00" in text:
            problems[question.name] = f"{question.label} holds a character that is not text"
        elif text.count("\n") >= LINES_MOST:
            problems[question.name] = f"{question.label} must be {LINES_MOST} lines or fewer"
    if not problems and not any(answers.get(name, "").strip() for name in NAMES):
        problems[NAMES[0]] = "Answer at least one question: say what the child looks like"
    return problems


def check_review(review_on: date | None, *, today: date) -> str:
    """The review date's problem ("" when none): on or after today, within a year."""
    if review_on is None:
        return "Enter the date the profile is next reviewed"
    if review_on < today:
        return "The date the profile is next reviewed must be today or in the future"
    if review_on > today + REVIEW_AT_MOST:
        return "The profile must be reviewed within a year: enter a date sooner"
    return ""


class PhotoError(ValueError):
    """A photo refused, with the reason in words."""


def _pixels_only(image: Any) -> Any:
    """A new RGB image of `image`'s pixels and nothing else: Pillow carries a JPEG's
    comment, ICC profile, XMP and EXIF in `info` into what it saves from it, so the pixels
    are copied to an image that has none."""
    from PIL import Image

    rgb = image.convert("RGB")
    return Image.frombytes("RGB", rgb.size, rgb.tobytes())


#: How a photo's EXIF orientation is undone (as `PIL.ImageOps.exif_transpose` does), applied
#: to the pixels once they are copied away from the file's metadata.
_ORIENTATIONS: Final = {
    2: "FLIP_LEFT_RIGHT",
    3: "ROTATE_180",
    4: "FLIP_TOP_BOTTOM",
    5: "TRANSPOSE",
    6: "ROTATE_270",
    7: "TRANSVERSE",
    8: "ROTATE_90",
}


def clean_photo(data: bytes, *, most_side: int | None = None) -> tuple[bytes, int, int]:
    """A JPEG or PNG photo as a JPEG at most `PHOTO_SIDE` pixels on its longer side, without
    its metadata (a phone's photo may say where it was taken): (JPEG bytes, width, height).
    Raises `PhotoError` for anything else, too large, or unreadable.

    The size is checked before anything is read, the pixels before anything is decoded; a
    JPEG is decoded at the smallest fraction of its size that still covers `PHOTO_SIDE`
    (a 50-megapixel photo is not decoded whole), a PNG whole, so it may hold fewer pixels.
    `most_side`: refuse, before decoding, a photo larger than that on either side (a
    partner's travelling photo is never larger than `TRAVEL_SIDE`)."""
    if len(data) > PHOTO_MOST_BYTES:
        raise PhotoError("The photo must be smaller than 8 MB")
    if not (data.startswith(b"\xff\xd8\xff") or data.startswith(b"\x89PNG\r\n\x1a\n")):
        raise PhotoError("The photo must be a JPEG or PNG")
    from PIL import Image

    try:
        with warnings.catch_warnings():  # the pixels are counted here, as a refusal
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            opened = Image.open(io.BytesIO(data))
        with opened as image:
            kind = image.format
            if kind not in ("JPEG", "MPO", "PNG"):  # MPO: a phone's JPEG with extra frames
                raise PhotoError("The photo must be a JPEG or PNG")
            width, height = image.size
            if most_side is not None and max(width, height) > most_side:
                raise PhotoError(f"The photo is larger than {most_side} pixels a side")
            if width * height > (PNG_MOST_PIXELS if kind == "PNG" else PHOTO_MOST_PIXELS):
                raise PhotoError("The photo has too many pixels: save it smaller and try again")
            try:
                orientation = int(image.getexif().get(0x0112, 1))
            except Exception:  # a broken EXIF block: the photo as it is stored
                orientation = 1
            if kind != "PNG":
                image.draft("RGB", (PHOTO_SIDE, PHOTO_SIDE))
            image.load()
            rgb = _pixels_only(image)
        rgb.thumbnail((PHOTO_SIDE, PHOTO_SIDE))
        if orientation in _ORIENTATIONS:
            rgb = rgb.transpose(getattr(Image.Transpose, _ORIENTATIONS[orientation]))
        out = io.BytesIO()
        rgb.save(out, format="JPEG", quality=85)
        return out.getvalue(), rgb.width, rgb.height
    except PhotoError:
        raise
    except Exception:  # whatever a crafted file makes the decoder raise is a refusal
        raise PhotoError("The photo could not be read: save it as a JPEG and try again") from None


#: The photo as it travels (with a placement notice, to the police): smaller than the one
#: kept, and at most this many characters of base64.
TRAVEL_SIDE: Final = 600
TRAVEL_PHOTO_MOST: Final = 200_000


def travel_photo(jpeg: bytes) -> str | None:
    """The kept photo made small enough to travel, as base64 (None if it cannot be)."""
    import base64

    from PIL import Image

    with Image.open(io.BytesIO(jpeg)) as image:
        image.load()
        small = _pixels_only(image)
    small.thumbnail((TRAVEL_SIDE, TRAVEL_SIDE))
    for quality in (80, 60, 40):
        out = io.BytesIO()
        small.save(out, format="JPEG", quality=quality)
        text = base64.b64encode(out.getvalue()).decode("ascii")
        if len(text) <= TRAVEL_PHOTO_MOST:
            return text
    return None


def structured_copy(
    *,
    child: dict[str, Any] | None,
    answers: dict[str, str],
    version: int,
    recorded_at: str,
    review_on: date,
    nation: str,
    photo_jpeg_base64: str | None = None,
) -> dict[str, Any]:
    """The profile as it travels (to the police when the child is reported missing, and
    with a placement notice): its format, title, version, the child, each answer given,
    the review date, and the photo when there is one."""
    copy: dict[str, Any] = {
        "format": FORMAT,
        "title": title(nation),
        "version": version,
        "recorded_at": recorded_at,
        "review_on": review_on.isoformat(),
        "answers": {name: answers[name] for name in NAMES if answers.get(name, "").strip()},
    }
    if child is not None:  # a placement notice carries the child beside it
        copy["child"] = child
    if photo_jpeg_base64:
        copy["photo_jpeg_base64"] = photo_jpeg_base64
    return copy
