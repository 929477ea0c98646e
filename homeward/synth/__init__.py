"""Generated, realistic missing episodes and return interviews (never real people's details)."""

from homeward.synth.authorities import AUTHORITY_COLUMNS
from homeward.synth.generate import (
    EPISODE_COLUMNS,
    INTERVIEW_COLUMNS,
    SynthData,
    default_authorities,
    default_years,
    generate,
    write,
)

__all__ = [
    "AUTHORITY_COLUMNS",
    "EPISODE_COLUMNS",
    "INTERVIEW_COLUMNS",
    "SynthData",
    "default_authorities",
    "default_years",
    "generate",
    "write",
]
