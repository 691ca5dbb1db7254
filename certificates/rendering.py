"""PDF rendering with WeasyPrint: local resources only; the per-document path.

``render_pdfs`` renders certificates as ONE multi-page WeasyPrint document and splits it into one
PDF per certificate (each starts at its own anchor, so one that runs over a page stays whole).
It renders a single certificate (issuance, the admin's preview), and in batches whatever layered
rendering (stamping.py) does not stamp.
"""

from __future__ import annotations

import io
import mimetypes
import re
from collections.abc import Sequence
from pathlib import Path
from urllib.parse import unquote, urlsplit

import segno
from django.conf import settings
from django.contrib.staticfiles import finders
from django.templatetags.static import static
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from pypdf import PageObject, PdfReader, PdfWriter
from pypdf.generic import DictionaryObject, NameObject
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

from competencies.selectors import level_names

from .models import CertificateTemplate, PageSize
from .placeholders import fill
from .sanitise import clean_css, clean_html
from .wording import Printed, values

PAGE_MM = {
    PageSize.A4_LANDSCAPE: ("A4 landscape", 297, 210),
    PageSize.A4_PORTRAIT: ("A4 portrait", 210, 297),
    PageSize.A5_LANDSCAPE: ("A5 landscape", 210, 148),
}
DEFAULT_SEAL = "certificates/seal-neutral.png"
# On screen (the admin's live preview) the page sits on a grey desk like a sheet of paper.
SCREEN_CSS = (
    "<style>@media screen { html { background: #5f6670 } body { padding: 8mm } "
    ".certificate { margin: 0 auto 8mm; background: #fff; box-shadow: 0 2mm 6mm #0006 } }</style>"
)


class RefusedFetch(ValueError):
    """A certificate asked for a resource that is not local."""


class LocalOnlyFetcher(URLFetcher):
    """WeasyPrint's URL fetcher, allowed only data: URIs, the site's static files and files under
    MEDIA_ROOT. Everything else is refused before any connection is made (and remembered, so
    tests and logs can tell)."""

    def __init__(self) -> None:
        super().__init__(allowed_protocols={"data", "file", "http", "https"})
        self.refused: list[str] = []

    def fetch(self, url: str, headers: dict | None = None) -> URLFetcherResponse:
        if url.startswith("data:"):
            return super().fetch(url, headers)
        path = self.local_path(url)
        if path is None:
            self.refused.append(url)
            raise RefusedFetch(f"certificates fetch local files only; refused {url}")
        mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": mime})

    @staticmethod
    def local_path(url: str) -> Path | None:
        parts = urlsplit(url)
        base = urlsplit(settings.CERTIFICATES_BASE_URL)
        if parts.scheme in ("http", "https"):
            # Our own /static/… addresses are read from the static finders, never requested.
            if parts.netloc != base.netloc or not parts.path.startswith(settings.STATIC_URL):
                return None
            found = finders.find(unquote(parts.path.removeprefix(settings.STATIC_URL)))
            return Path(found) if found else None
        if parts.scheme != "file" or parts.netloc not in ("", "localhost"):
            return None
        path = Path(unquote(parts.path)).resolve()
        roots = [Path(settings.MEDIA_ROOT).resolve(), *_static_roots()]
        if any(path.is_relative_to(root) for root in roots) and path.is_file():
            return path
        return None


def _static_roots() -> list[Path]:
    found = finders.find(DEFAULT_SEAL)
    roots = [Path(found).resolve().parent] if found else []
    for entry in settings.STATICFILES_DIRS:
        roots.append(Path(entry[1] if isinstance(entry, tuple) else entry).resolve())
    return roots


def qr_markup(url: str) -> SafeString:
    """The QR code of ``url`` as a tiny PNG (one pixel per module, drawn without smoothing),
    wrapped in a link to the same address. A PNG rather than SVG: WeasyPrint parses SVG paths in
    Python, which cost more than the rest of a certificate page."""
    return mark_safe(
        f'<a class="qr" href="{escape(url)}"><img class="qr-code" src="{qr_data_uri(url)}" alt="">'
        "</a>"
    )


QR_DARK, QR_BORDER = "#1a1f29", 2


def qr_code(url: str) -> segno.QRCode:
    # A fixed mask skips segno's evaluation of all eight (valid per ISO/IEC 18004; ~3× faster).
    return segno.make(url, error="m", mask=0, boost_error=False)


def qr_data_uri(url: str) -> str:
    """The QR code of ``url`` as a PNG ``data:`` URI, one pixel per module."""
    return qr_code(url).png_data_uri(scale=1, border=QR_BORDER, dark=QR_DARK)


def seal_markup(template: CertificateTemplate, *, screen: bool = False) -> SafeString:
    """The seal image: a local file for WeasyPrint, or its web address for an on-screen preview."""
    if screen:
        src = template.seal.file.url if template.seal_id else static(DEFAULT_SEAL)
    else:
        path = None
        if template.seal_id:
            try:
                path = Path(template.seal.file.path)
            except (ValueError, NotImplementedError):
                path = None
        if path is None or not path.is_file():
            path = Path(finders.find(DEFAULT_SEAL))
        src = path.resolve().as_uri()
    return mark_safe(f'<img class="seal" src="{escape(src)}" alt="">')


def document_html(
    template: CertificateTemplate,
    items: Sequence[Printed],
    *,
    screen: bool = False,
    names: dict[int, tuple[str, str]] | None = None,
) -> str:
    """One HTML document holding every certificate of ``items``, each on its own page(s)."""
    size, width, height = PAGE_MM[PageSize(template.page_size)]
    fonts = ", ".join(f'"{f}"' for f in settings.CERTIFICATES_CJK_FONTS)
    body = clean_html(template.body_html)
    seal = seal_markup(template, screen=screen)
    sections = []
    for index, item in enumerate(items):
        if names is None:
            names = level_names()
        text = values(item, template, names)
        markup = {"qr_code": qr_markup(item.verify_url), "seal": seal}
        sections.append(
            f'<section class="certificate" id="certificate-{index}">'
            f"{fill(body, text, markup)}</section>"
        )
    title = escape(items[0].serial) if len(items) == 1 else "certificates"
    return (
        f'<!DOCTYPE html><html lang="zh-Hans"><head><meta charset="utf-8"><title>{title}</title>'
        f"<style>@page {{ size: {size}; margin: 0 }} html {{ font-family: {fonts}, serif }} "
        f"body {{ margin: 0 }} .certificate {{ position: relative; overflow: hidden; "
        f"width: {width}mm; height: {height}mm; box-sizing: border-box; break-after: page }} "
        f".certificate:last-child {{ break-after: auto }} .qr {{ display: inline-block }} "
        f".qr-code {{ width: 100%; height: auto; image-rendering: pixelated }}</style>"
        f"<style>{clean_css(template.css)}</style>{SCREEN_CSS if screen else ''}</head>"
        f"<body>{''.join(sections)}</body></html>"
    )


def render_document(html: str, fetcher: LocalOnlyFetcher | None = None):
    return HTML(
        string=html,
        base_url=f"{settings.CERTIFICATES_BASE_URL}/",
        url_fetcher=fetcher or LocalOnlyFetcher(),
    ).render()


def render_pdfs(
    template: CertificateTemplate,
    items: Sequence[Printed],
    names: dict[int, tuple[str, str]] | None = None,
) -> list[bytes]:
    """One PDF per item, from a single WeasyPrint document. ``names`` are the level names
    (read from the framework when not given)."""
    if not items:
        return []
    document = render_document(document_html(template, items, names=names))
    starts = sorted(
        {
            int(name.removeprefix("certificate-")): page_no
            for page_no, page in enumerate(document.pages)
            for name in page.anchors
            if name.startswith("certificate-")
        }.items()
    )
    if [index for index, _page in starts] != list(range(len(items))):
        raise RuntimeError("a certificate did not reach the rendered document")
    pdf = document.write_pdf()
    firsts = [page for _index, page in starts]
    ranges = list(zip(firsts, [*firsts[1:], len(document.pages)], strict=True))
    return split_pdf(pdf, ranges, [item.serial or "certificate" for item in items])


def split_pdf(pdf: bytes, ranges: Sequence[tuple[int, int]], titles: Sequence[str]) -> list[bytes]:
    """One PDF per (first, end) page range of ``pdf``, titled."""
    reader = PdfReader(io.BytesIO(pdf))
    out = []
    for (first, last), title in zip(ranges, titles, strict=True):
        writer = PdfWriter()
        for page in reader.pages[first:last]:
            _keep_own_resources(page)
            writer.add_page(page)
        writer.add_metadata({"/Title": title, "/Producer": "Shuzhi"})
        buffer = io.BytesIO()
        writer.write(buffer)
        out.append(buffer.getvalue())
    return out


_DO = re.compile(rb"/([^\s/\[\]()<>{}%]+)\s+Do\b")


def _keep_own_resources(page: PageObject) -> None:
    """WeasyPrint gives every page one shared resource dictionary holding the XObjects of all
    pages; a page split off on its own keeps only the XObjects its content draws (otherwise each
    certificate would carry the whole batch's images, and copying them dominates the cost)."""
    resources = page["/Resources"].get_object()
    xobjects = resources.get("/XObject")
    if not xobjects:
        return
    used = {name.decode("latin-1") for name in _DO.findall(page.get_contents().get_data())}
    own = DictionaryObject(resources)
    own[NameObject("/XObject")] = DictionaryObject(
        {key: value for key, value in xobjects.get_object().items() if key[1:] in used}
    )
    page[NameObject("/Resources")] = own


def render_pdf(
    template: CertificateTemplate,
    item: Printed,
    names: dict[int, tuple[str, str]] | None = None,
) -> bytes:
    return render_pdfs(template, [item], names)[0]
