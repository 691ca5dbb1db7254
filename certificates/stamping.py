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

Every certificate of a chunk becomes one page of a single PDF (fonts subset once for the chunk),
split into one PDF per certificate as before.

What may change with a value is only its own line's horizontal layout. ``Layers`` refuses a
template (``NotStampable``: the batch takes the per-document path) when a value sits in a line
that could rewrap (the block has soft-wrapped lines), in a justified, right-to-left or indented
line, inside an inline-block, or next to an inline background; and a certificate (``Reflow``:
that certificate alone takes the per-document path) whose line would no longer fit, whose text
changes the line's height (a glyph from another font) or whose value white-space processing would
alter. docs/certificates.md lists the rules. Depends on WeasyPrint internals: its version is pinned.
"""

from __future__ import annotations

import contextvars
import gc
import unicodedata
from collections.abc import Iterator, Mapping, Sequence
from types import SimpleNamespace

import pydyf
import weasyprint.draw as weasyprint_draw
from django.conf import settings
from weasyprint import DEFAULT_OPTIONS
from weasyprint.document import Document
from weasyprint.formatting_structure import boxes
from weasyprint.images import get_image_from_uri
from weasyprint.layout.absolute import AbsolutePlaceholder
from weasyprint.layout.inline import text_align
from weasyprint.pdf.stream import Stream
from weasyprint.text.line_break import split_first_line

from competencies.selectors import level_names

from .models import CertificateTemplate
from .placeholders import MARKUP_PLACEHOLDERS, VALUE_TAG
from .rendering import (
    LocalOnlyFetcher,
    document_html,
    qr_data_uri,
    render_document,
    render_pdfs,
    split_pdf,
)
from .wording import Printed, values

EPSILON = 1e-6
PRESERVES_BREAKS = {"pre", "pre-wrap", "pre-line", "break-spaces"}
_RTL = {"R", "AL", "RLE", "RLO", "RLI", "AN"}


class NotStampable(Exception):
    """The template's layout depends on its values beyond their own lines."""


class Reflow(Exception):
    """This certificate's values would change the layout beyond their own lines."""


class _Context:
    """What ``split_first_line`` reads from a layout context (hyphenation dictionaries)."""

    dictionaries: dict = {}


class _SlotMark:
    """Where a slot line would have been drawn in the background's op list."""

    def __init__(self, index: int) -> None:
        self.index = index


class _Capture:
    def __init__(self, stream: Stream) -> None:
        self.stream = stream
        self.drawn: dict[int, boxes.LineBox] = {}
        self.elsewhere = False


_capture: contextvars.ContextVar[_Capture | None] = contextvars.ContextVar(
    "shuzhi_stamping_capture", default=None
)
_draw_inline_level = weasyprint_draw.draw_inline_level
_draw_replacedbox = weasyprint_draw.draw_replacedbox


def _marked(stream, box) -> bool:
    """While a background is captured, leave a marker for a slot instead of drawing it."""
    capture = _capture.get()
    index = getattr(box, "_shuzhi_slot", None)
    if capture is None or index is None:
        return False
    if stream is not capture.stream:  # inside a group (opacity, transform): not on the page
        capture.elsewhere = True
    capture.drawn[index] = box
    stream.stream.append(_SlotMark(index))
    return True


def _draw_inline_level_or_mark(stream, page, box, *args, **kwargs):
    if not _marked(stream, box):
        _draw_inline_level(stream, page, box, *args, **kwargs)


def _draw_replacedbox_or_mark(stream, box):
    if not _marked(stream, box):
        _draw_replacedbox(stream, box)


# Installed once; without a capture in progress they only call WeasyPrint's functions. (A slot
# line is drawn by draw_inline_level; the QR image, a stacking context of its own, by
# draw_replacedbox.)
weasyprint_draw.draw_inline_level = _draw_inline_level_or_mark
weasyprint_draw.draw_replacedbox = _draw_replacedbox_or_mark


def _forget_state(stream: Stream) -> None:
    """The stream's memory of colour, alpha and font describes the end of the last drawing, not
    the point where a slot is drawn: forget it so that the slot sets what it uses."""
    stream._current_color = stream._current_color_stroke = None
    stream._current_alpha = stream._current_alpha_stroke = None
    stream._current_font = None


def _plain(text: str) -> bool:
    """A value that white-space processing leaves as it is and that runs left to right."""
    if text != " ".join(text.split()) or "\u00a0" in text:
        return False
    return not any(
        unicodedata.bidirectional(c) in _RTL or unicodedata.category(c) in ("Cc", "Cf")
        for c in text
    )


def _inline_leaves(box) -> Iterator:
    """Boxes laid out in a line, through inline boxes (floats and positioned boxes included)."""
    for child in box.children:
        if isinstance(child, boxes.InlineBox | boxes.LineBox):
            yield from _inline_leaves(child)
        else:
            yield child


def _subtree(box) -> Iterator:
    yield box
    for child in getattr(box, "children", ()):
        yield from _subtree(child)


class Layers:
    """A template laid out once (for one certificate), with its slot lines known."""

    def __init__(
        self,
        template: CertificateTemplate,
        item: Printed,
        varying: frozenset[str],
        names: Mapping[int, tuple[str, str]],
    ) -> None:
        self.template, self.names, self.varying = template, names, varying
        self.fetcher = LocalOnlyFetcher()
        self.document = render_document(document_html(template, [item], names=names), self.fetcher)
        if len(self.document.pages) != 1:
            raise NotStampable("the certificate runs over more than one page")
        self.page = self.document.pages[0]
        self.box = self.page._page_box
        self.values = values(item, template, names)
        self.url = item.verify_url
        self.owner: dict = {}  # DOM element → name of the value it belongs to
        root = self.box.children[0].element
        for element in root.iter():
            if str(element.tag).endswith(VALUE_TAG):
                for inner in element.iter():
                    self.owner[inner] = element.get("name")
        self.texts: dict[boxes.TextBox, str] = {}  # varying value → its text box
        self.qr_boxes: set[boxes.InlineReplacedBox] = set()
        self.slots: list = []  # lines laid out again, and QR images
        self._find_slots()
        self.order, self.drawn = self._capture_background()

    # -- analysis ---------------------------------------------------------------------------

    def _find_slots(self) -> None:
        floats = [b for b in _subtree(self.box) if b.is_floated()]
        for block in _subtree(self.box):
            lines = [c for c in getattr(block, "children", ()) if isinstance(c, boxes.LineBox)]
            slots = [line for line in lines if self._is_slot(line)]
            if slots:
                self._check_block(block, lines)
                for line in slots:
                    self._check_line(line, block, floats)
                    line._shuzhi_slot = len(self.slots)
                    self.slots.append(line)
        for box in _subtree(self.box):
            if (
                isinstance(box, boxes.InlineReplacedBox)
                and self.owner.get(box.element) in self.varying
            ):
                if self.owner[box.element] != "qr_code":
                    raise NotStampable("an image varies")
                box._shuzhi_slot = len(self.slots)
                self.slots.append(box)
                self.qr_boxes.add(box)
        seen = [box.element for box in self.texts]
        expected = [
            element
            for element, name in self.owner.items()
            if str(element.tag).endswith(VALUE_TAG)
            and name in self.varying - MARKUP_PLACEHOLDERS
            and self.values.get(name)
        ]
        if len(seen) != len(set(seen)) or set(seen) != set(expected):
            raise NotStampable("a value is split across lines or not laid out")
        for box, name in self.texts.items():
            if abs(self._shape(box, box.text)[2] - box.width) > EPSILON:
                raise NotStampable(f"{name} shapes differently out of its line")

    def _is_slot(self, line: boxes.LineBox) -> bool:
        found = False
        for leaf in _inline_leaves(line):
            if isinstance(leaf, AbsolutePlaceholder | boxes.BlockLevelBox) or leaf.is_floated():
                continue  # drawn with their own lines, at positions that do not follow the text
            if isinstance(leaf, boxes.InlineReplacedBox):
                continue  # the QR code is a slot of its own (same size on every certificate)
            name = self.owner.get(leaf.element)
            if name not in self.varying:
                continue
            found = True
            if isinstance(leaf, boxes.TextBox) and self.owner.get(leaf.element) == name:
                if leaf.text != self.values.get(name) or leaf.element.get("name") != name:
                    raise NotStampable(f"{name} is not laid out as one piece of text")
                self.texts[leaf] = name
            else:
                raise NotStampable(f"{name} is inside a box stamping does not lay out")
        return found

    @staticmethod
    def _check_block(block, lines: list) -> None:
        """Every line of the block must end at a forced break or at the block's end, so that
        a value's width never moves text to another line."""
        style = block.style
        if block.element is None or getattr(style, "anonymous", False):
            raise NotStampable("a value is in an anonymous block")
        text = "".join(block.element.itertext()).strip()
        breaks = sum(1 for _ in block.element.iter("br"))
        if style["white_space"] in PRESERVES_BREAKS:
            if any(not part.strip(" \t") for part in text.split("\n")[1:-1]):
                raise NotStampable("empty lines next to a value")
            breaks += text.count("\n")
        if len(lines) != breaks + 1:
            raise NotStampable("a value is in a paragraph that wraps")
        if style["direction"] != "ltr" or style["text_indent"].value:
            raise NotStampable("a value is in a right-to-left or indented paragraph")
        if "justify" in (style["text_align_all"], style["text_align_last"]):
            raise NotStampable("a value is in a justified paragraph")

    def _check_line(self, line: boxes.LineBox, block, floats: list) -> None:
        for box in _subtree(line):
            if isinstance(box, boxes.InlineBox | boxes.LineBox) and box.background is not None:
                raise NotStampable("a value's line has an inline background")
            if isinstance(box, boxes.InlineBlockBox | boxes.InlineFlexBox | boxes.InlineGridBox):
                raise NotStampable("a value's line holds an inline-block")
            if isinstance(box, AbsolutePlaceholder) and (
                box.style["left"] == "auto" and box.style["right"] == "auto"
            ):
                raise NotStampable("a positioned box follows a value's text")
        left = block.content_box_x()
        right = left + block.width
        top, bottom = line.position_y, line.position_y + line.height
        for box in floats:
            if any(inner is line for inner in _subtree(box)):
                continue  # the line is inside this float
            if box.position_y >= bottom or box.position_y + box.margin_height() <= top:
                continue
            if box.position_x >= right or box.position_x + box.margin_width() <= left:
                continue
            if box.style["float"] == "left":
                left = max(left, box.position_x + box.margin_width())
            else:
                right = min(right, box.position_x)
        line._shuzhi_area = (left, right - left)
        if abs(left + self._offset(line, line.width) - line.position_x) > 1e-3:
            raise NotStampable("a value's line is not where its alignment puts it")

    @staticmethod
    def _offset(line: boxes.LineBox, width: float) -> float:
        """Where WeasyPrint's ``text_align`` puts a line of ``width`` in ``line``'s area."""
        shape = SimpleNamespace(style=line.style, width=width)
        return text_align(_Context, shape, line._shuzhi_area[1], last=True)

    @staticmethod
    def _shape(box: boxes.TextBox, text: str):
        layout, _length, resume, width, height, baseline = split_first_line(
            text, box.style, _Context, None, box.justification_spacing
        )
        if (
            resume is not None
            or layout.text != text
            or abs(height - box.height) > EPSILON
            or abs(baseline + box.margin_top - box.baseline) > EPSILON
        ):
            raise Reflow("the text changes its line's height")
        return layout.text, layout, width

    def _capture_background(self, stream: Stream | None = None):
        """Draw the page with markers for the slot lines; return the order in which the slots
        are drawn and the boxes WeasyPrint draws for them (or, given a stream, draw into it)."""
        scratch = stream is None
        if scratch:
            resources = pydyf.Dictionary(
                {"ExtGState": {}, "XObject": {}, "Pattern": {}, "Shading": {}, "ColorSpace": None}
            )
            stream = Stream(
                {}, (0, 0, self.page.width, self.page.height), resources, {}, None, {}, None
            )
        capture = _Capture(stream)
        start = len(stream.stream)
        token = _capture.set(capture)
        try:
            weasyprint_draw.draw_page(self.box, stream)
        finally:
            _capture.reset(token)
        ops = stream.stream[start:]
        del stream.stream[start:]
        _forget_state(stream)
        lines = {i for i, slot in enumerate(self.slots) if isinstance(slot, boxes.LineBox)}
        if capture.elsewhere or not lines <= set(capture.drawn):
            raise NotStampable("a value is drawn inside a group (opacity, transform)")
        order = [op.index for op in ops if isinstance(op, _SlotMark)]
        if scratch:
            return order, capture.drawn
        segments, current = [], []
        for op in ops:
            if isinstance(op, _SlotMark):
                segments.append(current)
                current = []
            else:
                current.append(op)
        segments.append(current)
        return segments

    # -- one certificate --------------------------------------------------------------------

    def stamp(self, item: Printed) -> StampedPage:
        """The page of one certificate (``Reflow`` when its values do not fit the probe's lines)."""
        texts = values(item, self.template, self.names)
        for name in self.varying - MARKUP_PLACEHOLDERS:
            if texts[name] and not _plain(texts[name]):
                raise Reflow(f"{name} is not plain text")
        qr = None
        if self.qr_boxes:
            qr = get_image_from_uri({}, self.fetcher, DEFAULT_OPTIONS, qr_data_uri(item.verify_url))
            probe = next(iter(self.qr_boxes)).replacement
            if qr is None or (qr.width, qr.height) != (probe.width, probe.height):
                raise Reflow("the QR code has another size")
        lines = [self._relayout(self.drawn[index], texts, qr) for index in self.order]
        links = [
            (kind, item.verify_url if target == self.url else target, rectangle, box)
            for kind, target, rectangle, box in self.page.links
        ]
        return StampedPage(self, lines, links)

    def _relayout(self, line, texts: Mapping[str, str], qr):
        """A slot for one certificate: the line with its values laid out again (or the QR image
        with this certificate's code)."""
        shift = 0.0

        def rebuild(box):
            nonlocal shift
            new = box.copy()
            new.position_x = box.position_x + shift
            if isinstance(box, boxes.TextBox) and box in self.texts:
                text = texts[self.texts[box]]
                if text != box.text:
                    new.text, new.pango_layout, new.width = self._shape(box, text)
                    shift += new.width - box.width
            elif isinstance(box, boxes.InlineReplacedBox) and box in self.qr_boxes:
                new.replacement = qr
            elif isinstance(box, boxes.InlineBox | boxes.LineBox):
                before = shift
                new.children = [rebuild(child) for child in box.children]
                new.width = box.width + shift - before
            return new

        new_line = rebuild(line)
        if shift:
            if line.width + shift >= line._shuzhi_area[1] - EPSILON:
                raise Reflow("a value no longer fits its line")
            new_line.translate(
                self._offset(line, line.width + shift) - self._offset(line, line.width)
            )
        return new_line

    def write(self, pages: Sequence[StampedPage]) -> bytes:
        """One PDF with a page per certificate; fonts are subset once for all of them."""
        document = Document(
            list(pages),
            self.document.metadata,
            self.document.url_fetcher,
            self.document.font_config,
            self.document.color_profiles,
            self.document.output_intent,
        )
        self._segments = None
        return document.write_pdf()

    def paint_background(self, stream: Stream, lines: Sequence[boxes.LineBox]) -> None:
        if self._segments is None:  # first page of a PDF: registers fonts, images, states
            self._segments = self._capture_background(stream)
        for segment, line in zip(self._segments, [*lines, None], strict=True):
            stream.stream.extend(segment)
            if line is not None:
                stream.push_state()
                _forget_state(stream)
                if isinstance(line, boxes.LineBox):
                    _draw_inline_level(stream, self.box, line)
                else:
                    _draw_replacedbox(stream, line)
                stream.pop_state()


class StampedPage:
    """A page of WeasyPrint's document model that paints the background and one certificate's
    lines (what ``Document.write_pdf`` asks of a page)."""

    def __init__(self, layers: Layers, lines: list[boxes.LineBox], links: list) -> None:
        self.layers, self.lines, self.links = layers, lines, links
        page = layers.page
        self.width, self.height, self.bleed = page.width, page.height, page.bleed
        self.anchors, self.bookmarks, self.forms = {}, [], {None: []}

    def paint(self, stream: Stream, scale: float = 1) -> None:
        with stream.stacked():
            stream.transform(a=scale, d=scale)
            self.layers.paint_background(stream, self.lines)


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
        self._layers: dict[tuple, Layers | None] = {}

    def _signature(self, item: Printed) -> tuple:
        texts = values(item, self.template, self.names)
        return tuple(sorted(n for n in self.varying - MARKUP_PLACEHOLDERS if not texts[n]))

    def layers(self, item: Printed) -> Layers | None:
        key = self._signature(item)
        if key not in self._layers:
            try:
                self._layers[key] = Layers(self.template, item, self.varying, self.names)
            except (NotStampable, Reflow):
                self._layers[key] = None
        return self._layers[key]

    def render(self, items: Sequence[Printed]) -> list[bytes | None]:
        out: list[bytes | None] = [None] * len(items)
        groups: dict[int, tuple[Layers, list[int], list[StampedPage]]] = {}
        for index, item in enumerate(items):
            layers = self.layers(item)
            if layers is None:
                continue
            try:
                page = layers.stamp(item)
            except Reflow:
                continue
            group = groups.setdefault(id(layers), (layers, [], []))
            group[1].append(index)
            group[2].append(page)
        for layers, indexes, pages in groups.values():
            pdf = layers.write(pages)
            titles = [items[i].serial or "certificate" for i in indexes]
            ranges = [(page, page + 1) for page in range(len(pages))]
            for index, one in zip(
                indexes,
                split_pdf(pdf, ranges, titles),
                strict=True,
            ):
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
    after each chunk (WeasyPrint grows otherwise)."""
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
        gc.collect()
        yield start, pdfs
