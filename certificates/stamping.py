"""Layered rendering of batches: WeasyPrint lays a template out once, and every certificate is
that page with only the lines holding its own values laid out again and drawn in their place.

A WeasyPrint document costs ~0.2 s, most of it style and layout work that is the same for every
certificate of a template. So for a batch:

1. a *probe* certificate is rendered by WeasyPrint with each value wrapped in a
   ``<shuzhi-value>`` element (placeholders.fill does this for every rendering, so the naive
   path lays out exactly the same boxes);
2. the lines that hold values that differ within the batch are the *slots*. The page is drawn
   once per PDF document with a marker where each slot line would be drawn; everything else (the
   frame, the seal, the fixed wording, values the batch shares) is the *background*;
3. for each certificate, each slot line is laid out again with WeasyPrint's own text shaping
   (``split_first_line``) on the probe's boxes: the value's text box gets its new width, what
   follows on the line moves by the difference, and the line is aligned again with WeasyPrint's
   ``text_align`` in the same available width. WeasyPrint's own drawing code draws these lines
   into the background's op list at the markers, so painting order and clipping are kept.

Every certificate of a chunk becomes one page of a single WeasyPrint document (fonts subset once
for the chunk), written as one file per page by pdfpages.py.

A value may change only its own line's horizontal layout: a template where it could do more
takes the per-document path for the whole batch (layers.NotStampable), a certificate whose values
would (a line that no longer fits, a glyph from another font, text that white-space processing
would alter) takes it alone (layers.Reflow). docs/certificates.md lists the rules.
"""

from __future__ import annotations

import gc
import hashlib
import threading
import unicodedata
import zlib
from collections import OrderedDict
from collections.abc import Iterator, Mapping, Sequence

import pydyf
from django.conf import settings
from weasyprint import DEFAULT_OPTIONS
from weasyprint.document import Document
from weasyprint.images import RasterImage
from weasyprint.pdf import generate_pdf
from weasyprint.pdf.stream import Stream

from competencies.selectors import level_names

from . import pdfpages
from .layers import Layers, NotStampable, Reflow
from .models import CertificateTemplate
from .placeholders import MARKUP_PLACEHOLDERS
from .rendering import QR_BORDER, QR_DARK, qr_code, render_pdfs
from .wording import Printed, values

GC_EVERY = 1000
PROBES = 3  # certificates tried as the probe of a group before it takes the per-document path
CACHED_LAYERS = 4  # laid-out templates kept per thread (each holds one WeasyPrint document)
_RTL = {"R", "AL", "RLE", "RLO", "RLI", "AN"}
_local = threading.local()


def _cache() -> OrderedDict:
    if not hasattr(_local, "layers"):
        _local.layers = OrderedDict()
    return _local.layers


def _plain(text: str) -> bool:
    """A value that white-space processing leaves as it is and that runs left to right."""
    if text != " ".join(text.split()) or "\u00a0" in text:
        return False
    return not any(
        unicodedata.bidirectional(c) in _RTL or unicodedata.category(c) in ("Cc", "Cf")
        for c in text
    )


class QrImage(RasterImage):
    """The QR code as a WeasyPrint image made from segno's modules: the colours of the PNG that
    the per-document path decodes, as an indexed image (one byte per module, white or dark),
    without three PNG round trips."""

    PALETTE = b"<ffffff%s>" % QR_DARK.removeprefix("#").encode()

    def __init__(self, url: str) -> None:
        matrix = qr_code(url).matrix  # rows of 0 (light) and 1 (dark)
        self.width = self.height = len(matrix) + 2 * QR_BORDER
        blank, side = bytes(self.width * QR_BORDER), bytes(QR_BORDER)
        self.pixels = blank + b"".join(side + bytes(row) + side for row in matrix) + blank
        self.id = hashlib.md5(url.encode(), usedforsecurity=False).hexdigest()
        self.ratio, self.mode, self._dpi = 1, "RGB", DEFAULT_OPTIONS["dpi"]

    def get_x_object(self, interpolate: bool, dpi_ratio: float) -> pydyf.Stream:
        extra = {
            "Type": "/XObject",
            "Subtype": "/Image",
            "Width": self.width,
            "Height": self.height,
            "ColorSpace": pydyf.Array(("/Indexed", "/DeviceRGB", 1, self.PALETTE)),
            "BitsPerComponent": 8,
            "Interpolate": "true" if interpolate else "false",
            "Filter": "/FlateDecode",
        }
        return pydyf.Stream([zlib.compress(self.pixels)], pydyf.Dictionary(extra))


class StampedPage:
    """A page of WeasyPrint's document model that paints the background and one certificate's
    lines (what ``Document.write_pdf`` asks of a page)."""

    def __init__(self, layers: Layers, lines: list, links: list) -> None:
        self.layers, self.lines, self.links = layers, lines, links
        page = layers.page
        self.width, self.height, self.bleed = page.width, page.height, page.bleed
        self.anchors, self.bookmarks, self.forms = {}, [], {None: []}

    def paint(self, stream: Stream, scale: float = 1) -> None:
        with stream.stacked():
            stream.transform(a=scale, d=scale)
            self.layers.paint(stream, self.lines)


class Stamper:
    """Stamped PDFs for the certificates of one batch; ``None`` for those that need their own
    WeasyPrint document."""

    def __init__(
        self,
        template: CertificateTemplate,
        items: Sequence[Printed],
        names: Mapping[int, tuple[str, str]],
    ) -> None:
        self.template, self.names = template, names
        seen: dict[str, set[str]] = {}
        for item in items:
            for name, value in values(item, template, names).items():
                seen.setdefault(name, set()).add(value)
        self.varying = frozenset(n for n, v in seen.items() if len(v) > 1)
        if "verify_url" in self.varying:
            self.varying |= {"qr_code"}
        self._failed: dict[tuple, int] = {}  # probes that failed, per group

    def layers(self, item: Printed, texts: Mapping[str, str]) -> Layers | None:
        """The laid-out template for ``item``'s group (built once per worker process while the
        template, the batch's shared values and which values vary stay the same)."""
        key = (
            self.template.pk,
            self.template.body_html,
            self.template.css,
            self.template.page_size,
            self.template.seal_id,
            self.varying,
            tuple(sorted(n for n in self.varying - MARKUP_PLACEHOLDERS if not texts[n])),
            tuple(sorted((n, v) for n, v in texts.items() if n not in self.varying)),
            tuple(sorted(self.names.items())),
        )
        cache = _cache()
        if key in cache:
            cache.move_to_end(key)
            return cache[key]
        # A probe may fail because of its own values (a name that wraps): try a few others
        # before the group takes the per-document path.
        if self._failed.get(key, 0) >= PROBES:
            return None
        try:
            layers = Layers(self.template, item, self.varying, self.names)
        except (NotStampable, Reflow):
            self._failed[key] = self._failed.get(key, 0) + 1
            return None
        cache[key] = layers
        while len(cache) > CACHED_LAYERS:
            cache.popitem(last=False)
        return layers

    def stamp(self, layers: Layers, item: Printed, texts: Mapping[str, str]) -> StampedPage:
        """One certificate's page (``Reflow`` when it needs its own WeasyPrint document)."""
        for name in self.varying - MARKUP_PLACEHOLDERS:
            if texts[name] and not _plain(texts[name]):
                raise Reflow(f"{name} is not plain text")
        qr = None
        if layers.qr_size:
            qr = QrImage(item.verify_url)
            if (qr.width, qr.height) != layers.qr_size:
                raise Reflow("the QR code has another size")
        return StampedPage(layers, layers.slot_lines(texts, qr), layers.links_for(item.verify_url))

    @staticmethod
    def write(layers: Layers, pages: Sequence[StampedPage], titles: Sequence[str]) -> list[bytes]:
        """One PDF per page, from one WeasyPrint document: fonts are subset once for all."""
        probe = layers.document
        document = Document(
            list(pages),
            probe.metadata,
            probe.url_fetcher,
            probe.font_config,
            probe.color_profiles,
            probe.output_intent,
        )
        layers.start_document()
        return pdfpages.split(generate_pdf(document, None, 1, **DEFAULT_OPTIONS), titles)

    def render(self, items: Sequence[Printed]) -> list[bytes | None]:
        """A PDF per item, or ``None`` for the items that need their own WeasyPrint document."""
        out: list[bytes | None] = [None] * len(items)
        groups: dict[int, tuple[Layers, list[int], list[StampedPage]]] = {}
        for index, item in enumerate(items):
            texts = values(item, self.template, self.names)
            layers = self.layers(item, texts)
            if layers is None:
                continue
            try:
                page = self.stamp(layers, item, texts)
            except Reflow:
                continue
            group = groups.setdefault(id(layers), (layers, [], []))
            group[1].append(index)
            group[2].append(page)
        for layers, indexes, pages in groups.values():
            titles = [items[i].serial or "certificate" for i in indexes]
            for index, one in zip(indexes, self.write(layers, pages, titles), strict=True):
                out[index] = one
        return out


def render_in_chunks(
    template: CertificateTemplate,
    items: Sequence[Printed],
    chunk: int | None = None,
    names: Mapping[int, tuple[str, str]] | None = None,
) -> Iterator[tuple[int, list[bytes]]]:
    """(offset, PDFs) per chunk of a batch: stamped where the template allows, the rest (or all,
    for a template that is not stampable) one WeasyPrint document per chunk. Memory is released
    after every chunk that needed WeasyPrint documents (it grows ~6 MB per document otherwise),
    and every ``GC_EVERY`` stamped certificates, counted across the batches of a worker thread
    (stamping leaves little garbage, and a full collection costs ~0.1 s, a millisecond per
    certificate of a chunk of 100)."""
    size = chunk or settings.CERTIFICATES_BATCH_CHUNK
    names = level_names() if names is None else names
    stamper = Stamper(template, items, names) if len(items) > 1 else None
    for start in range(0, len(items), size):
        part = items[start : start + size]
        pdfs = stamper.render(part) if stamper else [None] * len(part)
        rest = [index for index, pdf in enumerate(pdfs) if pdf is None]
        if rest:
            own = render_pdfs(template, [part[i] for i in rest], names)
            for index, pdf in zip(rest, own, strict=True):
                pdfs[index] = pdf
        _local.stamped = getattr(_local, "stamped", 0) + len(part) - len(rest)
        if rest or _local.stamped >= GC_EVERY:
            gc.collect()
            _local.stamped = 0
        yield start, pdfs
