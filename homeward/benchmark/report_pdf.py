"""The benchmarking report as a PDF, from the same page as report.html.

WeasyPrint renders the print version of the page (a small print stylesheet instead of
GOV.UK Frontend, which is large and whose screen rules do not matter on paper). Its URL
fetcher serves only local files inside this package and refuses everything else, so
rendering never touches the network.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from homeward.benchmark.report_html import PACKAGE_DIR, render_html
from homeward.benchmark.tables import Report
from homeward.formats.pdf import weasyprint


class RefusedFetch(ValueError):
    """A resource outside the package was asked for."""


def local_file(url: str) -> Path:
    """The package file a `file:` URL names; RefusedFetch for anything else."""
    parts = urlsplit(url)
    if parts.scheme != "file" or parts.netloc not in ("", "localhost"):
        raise RefusedFetch(f"refused to fetch {url!r}: only files inside the package")
    path = Path(unquote(parts.path)).resolve()
    if not path.is_relative_to(PACKAGE_DIR) or not path.is_file():
        raise RefusedFetch(f"refused to fetch {url!r}: not a file inside {PACKAGE_DIR}")
    return path


def _fetcher() -> Any:
    weasyprint()
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class PackageOnlyFetcher(URLFetcher):  # type: ignore[misc]
        """A WeasyPrint fetcher that serves package files and refuses everything else."""

        def fetch(self, url: str, headers: Any = None) -> Any:
            path = local_file(url)
            return URLFetcherResponse(path.as_uri(), path.read_bytes())

    return PackageOnlyFetcher()


def render_pdf(report: Report) -> bytes:
    """The report as PDF bytes."""
    document = weasyprint().HTML(
        string=render_html(report, print_version=True),
        base_url=PACKAGE_DIR.as_uri() + "/",
        url_fetcher=_fetcher(),
    )
    pdf: bytes = document.write_pdf(
        uncompressed_pdf=False, optimize_images=False, presentational_hints=False
    )
    return pdf
