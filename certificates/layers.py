"""One certificate template laid out by WeasyPrint, with the lines that hold varying values
known (*slots*), drawn again per certificate over a background drawn once (see stamping.py).

``Layers`` refuses a template (``NotStampable``) when a varying value sits where its width could
move anything but its own line: in a paragraph with soft-wrapped lines (every line must end at a
forced break or the paragraph's end), a justified, right-to-left or indented paragraph, an
inline-block, a line with an inline background, a group (opacity, transform), or text that
WeasyPrint shapes differently alone. ``slot_lines`` refuses a certificate (``Reflow``) whose line
would no longer fit or whose text changes the line's height (a glyph from another font).

Uses WeasyPrint internals (its box tree, ``split_first_line``, ``text_align``, the drawing
functions, the pydyf stream's state); WeasyPrint's version is pinned in pyproject.toml.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from types import SimpleNamespace

import pydyf
import weasyprint.draw as weasyprint_draw
from weasyprint.formatting_structure import boxes
from weasyprint.layout.absolute import AbsolutePlaceholder
from weasyprint.layout.inline import text_align
from weasyprint.pdf.stream import Stream
from weasyprint.text.line_break import split_first_line

from .drawing import (
    SlotMark,
    TextReplay,
    capturing,
    draw_line,
    draw_replaced,
    forget_state,
    replaying,
)
from .models import CertificateTemplate
from .placeholders import MARKUP_PLACEHOLDERS, VALUE_TAG
from .rendering import LocalOnlyFetcher, document_html, render_document
from .wording import Printed, values

EPSILON = 1e-6
PRESERVES_BREAKS = {"pre", "pre-wrap", "pre-line", "break-spaces"}


class NotStampable(Exception):
    """The template's layout depends on its values beyond their own lines."""


class Reflow(Exception):
    """This certificate's values would change the layout beyond their own lines."""


class _Context:
    """What ``split_first_line`` reads from a layout context (hyphenation dictionaries)."""

    dictionaries: dict = {}


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
            if isinstance(block, boxes.LineBox):
                continue  # (a ::first-line box is a line inside the line)
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
        breaks = sum(1 for e in block.element.iter() if str(e.tag).rpartition("}")[2] == "br")
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
        start = len(stream.stream)
        with capturing(stream) as capture:
            weasyprint_draw.draw_page(self.box, stream)
        ops = stream.stream[start:]
        del stream.stream[start:]
        forget_state(stream)
        lines = {i for i, slot in enumerate(self.slots) if isinstance(slot, boxes.LineBox)}
        if capture.elsewhere or not lines <= set(capture.drawn):
            raise NotStampable("a value is drawn inside a group (opacity, transform)")
        order = [op.index for op in ops if isinstance(op, SlotMark)]
        if scratch:
            return order, capture.drawn
        segments, current = [], []
        for op in ops:
            if isinstance(op, SlotMark):
                segments.append(current)
                current = []
            else:
                current.append(op)
        segments.append(current)
        return segments

    # -- one certificate --------------------------------------------------------------------

    @property
    def qr_size(self) -> tuple[int, int] | None:
        """The QR image's pixels (the same on every certificate of a stamped batch)."""
        for box in self.qr_boxes:
            return box.replacement.width, box.replacement.height
        return None

    def slot_lines(self, texts: Mapping[str, str], qr) -> list:
        """One certificate's slots in drawing order (``Reflow`` when its values do not fit the
        probe's lines)."""
        return [self._relayout(self.drawn[index], texts, qr) for index in self.order]

    def links_for(self, url: str) -> list:
        """The page's links, the QR code's pointing to ``url``."""
        return [
            (kind, url if target == self.url else target, rectangle, box)
            for kind, target, rectangle, box in self.page.links
        ]

    def _relayout(self, line, texts: Mapping[str, str], qr):
        """A slot for one certificate: the line with its values laid out again (or the QR image
        with this certificate's code)."""
        shift = 0.0

        def rebuild(box):
            nonlocal shift
            new = box.copy()
            new.position_x = box.position_x + shift
            if isinstance(box, boxes.TextBox):
                text = texts[self.texts[box]] if box in self.texts else box.text
                if text != box.text:
                    new.text, new.pango_layout, new.width = self._shape(box, text)
                    shift += new.width - box.width
                else:
                    new._shuzhi_text = box  # drawn by replaying its operators (drawing.py)
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

    def start_document(self) -> None:
        """The next page painted is the first of a new PDF document (with its own resources)."""
        self._segments = None
        self._replay = TextReplay()

    def paint(self, stream: Stream, lines: Sequence) -> None:
        """The background with ``lines`` (from ``slot_lines``) drawn at their markers."""
        if self._segments is None:  # first page of a PDF: registers fonts, images, states
            self._segments = self._capture_background(stream)
        for segment, line in zip(self._segments, [*lines, None], strict=True):
            stream.stream.extend(segment)
            if line is not None:
                stream.push_state()
                forget_state(stream)
                if isinstance(line, boxes.LineBox):
                    with replaying(self._replay):
                        draw_line(stream, self.box, line)
                else:
                    draw_replaced(stream, line)
                stream.pop_state()
