"""GOV.UK Frontend, from npm, made ready to serve: `python -m homeward.web.assets`.

Run by `make install`. Copies the compiled CSS and JavaScript and the images from
`node_modules/govuk-frontend/dist/govuk` into `var/govuk`, which Django serves (WhiteNoise)
under `/static/govuk/`. Two changes are made to the CSS:

- its `url(/assets/…)` paths are pointed at `/static/govuk/assets/…`;
- the GDS Transport typeface is taken out: it may be used only on GOV.UK, and a local
  authority's service is not on GOV.UK, so text falls back to Arial as GOV.UK Frontend's
  own font stack intends.

The source-map comments of the CSS and the JavaScript are taken out too: the maps are not
copied (they describe the unchanged files), and production's `collectstatic` (WhiteNoise's
manifest storage) refuses a file that names a file it cannot find.
"""

from __future__ import annotations

import re
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SOURCE = ROOT / "node_modules" / "govuk-frontend" / "dist" / "govuk"
TARGET = ROOT / "var" / "govuk"
STATIC_PREFIX = "/static/govuk/assets/"
#: Leaflet (the hotspot map, docs/hotspots.md), served under `/static/leaflet/`.
LEAFLET_SOURCE = ROOT / "node_modules" / "leaflet"
LEAFLET_TARGET = ROOT / "var" / "leaflet"

_FONT_FACE = re.compile(r"@font-face\{[^}]*\}")
_SOURCE_MAP = re.compile(r"\n?(?:/\*# sourceMappingURL=[^*]*\*/|//# sourceMappingURL=[^\n]*)\s*$")


def without_source_map(text: str) -> str:
    return _SOURCE_MAP.sub("\n", text)


def adapt_css(css: str) -> str:
    css = _FONT_FACE.sub("", css)
    css = css.replace('"GDS Transport",', "").replace("GDS Transport,", "")
    css = css.replace("font-family:GDS Transport;", "")
    return without_source_map(css.replace("url(/assets/", f"url({STATIC_PREFIX}"))


def build(source: Path = SOURCE, target: Path = TARGET) -> Path:
    if not (source / "govuk-frontend.min.css").is_file():
        raise FileNotFoundError(f"{source}: GOV.UK Frontend is not installed (run `npm ci`)")
    if target.exists():
        shutil.rmtree(target)
    (target / "assets").mkdir(parents=True)
    shutil.copytree(source / "assets" / "images", target / "assets" / "images")
    shutil.copy2(source / "assets" / "manifest.json", target / "assets" / "manifest.json")
    script = (source / "govuk-frontend.min.js").read_text(encoding="utf-8")
    (target / "govuk-frontend.min.js").write_text(without_source_map(script), encoding="utf-8")
    css = (source / "govuk-frontend.min.css").read_text(encoding="utf-8")
    (target / "govuk-frontend.min.css").write_text(adapt_css(css), encoding="utf-8")
    return target


def build_leaflet(source: Path = LEAFLET_SOURCE, target: Path = LEAFLET_TARGET) -> Path:
    """Leaflet's script, stylesheet, marker images and licence, without the source-map
    comment (the map is not copied); leaflet.css finds its images beside it."""
    dist = source / "dist"
    if not (dist / "leaflet.js").is_file():
        raise FileNotFoundError(f"{source}: Leaflet is not installed (run `npm ci`)")
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(dist / "images", target / "images")
    for name in ("leaflet.js", "leaflet.css"):
        text = (dist / name).read_text(encoding="utf-8")
        (target / name).write_text(without_source_map(text), encoding="utf-8")
    shutil.copy2(source / "LICENSE", target / "LICENSE")
    return target


if __name__ == "__main__":
    print(f"GOV.UK Frontend ready to serve: {build()}")
    print(f"Leaflet ready to serve: {build_leaflet()}")
    sys.exit(0)
