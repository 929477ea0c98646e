"""A meeting's pack as a PDF (WeasyPrint), from the pack's print page.

The print page carries its own small stylesheet and inline SVG, so the renderer needs no
file at all: its URL fetcher refuses every URL, and rendering never touches the network.
"""

from __future__ import annotations

import warnings
from typing import Any


class RefusedFetch(ValueError):
    """The pack asked for a resource: none is served."""


def _weasyprint() -> Any:
    with warnings.catch_warnings():  # its notice about HarfBuzz-Subset (see setup_check)
        warnings.simplefilter("ignore", DeprecationWarning)
        import weasyprint
        import weasyprint.urls
    return weasyprint


def _fetcher() -> Any:
    from weasyprint.urls import URLFetcher

    class NothingFetcher(URLFetcher):  # type: ignore[misc]
        def fetch(self, url: str, headers: Any = None) -> Any:
            raise RefusedFetch(f"refused to fetch {url!r}: the pack is self-contained")

    return NothingFetcher()


def render_pdf(html: str) -> bytes:
    """The print page `html` as PDF bytes."""
    weasyprint = _weasyprint()
    document = weasyprint.HTML(string=html, base_url="about:blank", url_fetcher=_fetcher())
    pdf: bytes = document.write_pdf()
    return pdf
