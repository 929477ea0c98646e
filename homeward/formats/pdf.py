"""PDF from HTML with WeasyPrint, for every document homeward prints.

WeasyPrint is imported only when a PDF is made (it is slow to import), and without its
import-time notice about HarfBuzz-Subset: the PDF is still complete, and system libraries
are the set-up check's business (`homeward.setup_check`). A self-contained document (its
style and charts inline) is rendered with a fetcher that refuses every URL, so rendering
never touches the network or the disk.
"""

from __future__ import annotations

import warnings
from typing import Any


class RefusedFetch(ValueError):
    """A resource was asked for that is not served."""


def weasyprint() -> Any:
    """The weasyprint module, imported quietly."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        import weasyprint as module
        import weasyprint.urls
    return module


#: Where a document's own images are found (`self_contained_pdf`'s `images`): a reserved
#: name (RFC 2606) that never reaches the network, served from memory.
IMAGE_BASE = "https://images.invalid/"


def self_contained_pdf(html: str, *, images: dict[str, bytes] | None = None) -> bytes:
    """`html`, which needs no file or URL, as PDF bytes. `images`: JPEGs the document
    shows, by name, as `IMAGE_BASE + name` (served from memory; every other URL refused)."""
    module = weasyprint()
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    served = {IMAGE_BASE + name: data for name, data in (images or {}).items()}

    class NothingFetcher(URLFetcher):  # type: ignore[misc]
        def fetch(self, url: str, headers: Any = None) -> Any:
            if url in served:
                return URLFetcherResponse(url, served[url], headers={"Content-Type": "image/jpeg"})
            raise RefusedFetch(f"refused to fetch {url!r}: the document is self-contained")

    document = module.HTML(string=html, base_url="about:blank", url_fetcher=NothingFetcher())
    pdf: bytes = document.write_pdf()
    return pdf
