"""Hooks into WeasyPrint's drawing for layered rendering (layers.py, stamping.py).

* While a background is captured, a slot (a line holding varying values, or the QR image) leaves
  a marker in the page's operators instead of being drawn.
* While a certificate's slots are drawn, a text box whose text did not change (the fixed words
  around a value) replays the operators it produced on the document's first page, moved to its
  new position, instead of walking its glyphs through Pango again.

WeasyPrint's module functions are wrapped once; outside a capture or a slot drawing the wrappers
only call WeasyPrint's own functions. Relies on WeasyPrint internals (pinned version).
"""

from __future__ import annotations

import contextvars
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pydyf
import weasyprint.draw as weasyprint_draw
from weasyprint.formatting_structure import boxes
from weasyprint.pdf.stream import Stream

_STATE = (
    "_current_color",
    "_current_color_stroke",
    "_current_alpha",
    "_current_alpha_stroke",
    "_current_font",
    "_old_font",
)


class SlotMark:
    """Where a slot would have been drawn in the background's operators."""

    def __init__(self, index: int) -> None:
        self.index = index


class Capture:
    def __init__(self, stream: Stream) -> None:
        self.stream = stream
        self.drawn: dict[int, Any] = {}
        self.elsewhere = False


class TextReplay:
    """Operators recorded per text box (keyed by the probe's box) for one output document."""

    def __init__(self) -> None:
        self.recorded: dict[boxes.TextBox, tuple[list, int, tuple] | None] = {}


_capture: contextvars.ContextVar[Capture | None] = contextvars.ContextVar(
    "shuzhi_capture", default=None
)
_replay: contextvars.ContextVar[TextReplay | None] = contextvars.ContextVar(
    "shuzhi_replay", default=None
)
draw_line = weasyprint_draw.draw_inline_level
draw_replaced = weasyprint_draw.draw_replacedbox
_draw_text = weasyprint_draw.draw_text


@contextmanager
def capturing(stream: Stream) -> Iterator[Capture]:
    capture = Capture(stream)
    token = _capture.set(capture)
    try:
        yield capture
    finally:
        _capture.reset(token)


@contextmanager
def replaying(replay: TextReplay) -> Iterator[None]:
    token = _replay.set(replay)
    try:
        yield
    finally:
        _replay.reset(token)


def forget_state(stream: Stream) -> None:
    """The stream's memory of colour, alpha and font describes the end of the last drawing, not
    the point where a slot is drawn: forget it so that the slot sets what it uses."""
    stream._current_color = stream._current_color_stroke = None
    stream._current_alpha = stream._current_alpha_stroke = None
    stream._current_font = None


def _marked(stream: Stream, box) -> bool:
    capture = _capture.get()
    index = getattr(box, "_shuzhi_slot", None)
    if capture is None or index is None:
        return False
    if stream is not capture.stream:  # inside a group (opacity, transform): not on the page
        capture.elsewhere = True
    capture.drawn[index] = box
    stream.stream.append(SlotMark(index))
    return True


def _draw_inline_level_or_mark(stream, page, box, *args, **kwargs):
    if not _marked(stream, box):
        draw_line(stream, page, box, *args, **kwargs)


def _draw_replacedbox_or_mark(stream, box):
    if not _marked(stream, box):
        draw_replaced(stream, box)


def _text_matrix(box: boxes.TextBox) -> bytes:
    """The operator ``draw_text`` starts a text box with (its position)."""
    values = (1, 0, 0, -1, box.position_x, box.position_y + box.baseline)
    return b" ".join((*(pydyf._to_bytes(v) for v in values), b"Tm"))


def _draw_text_or_replay(stream, textbox, *args, **kwargs):
    replay = _replay.get()
    probe = getattr(textbox, "_shuzhi_text", None)
    if replay is None or probe is None:
        return _draw_text(stream, textbox, *args, **kwargs)
    if probe in replay.recorded:
        recorded = replay.recorded[probe]
        if recorded is not None:
            ops, matrix, state = recorded
            stream.stream.extend(ops)
            stream.stream[len(stream.stream) - len(ops) + matrix] = _text_matrix(textbox)
            for name, value in zip(_STATE, state, strict=True):
                setattr(stream, name, value)
            return None
        return _draw_text(stream, textbox, *args, **kwargs)
    # First drawing in this document: draw from a forgotten state (so the operators set all
    # they use), outside any open text object, and record.
    forget_state(stream)
    stream.stream.append(b"")  # keeps begin_text from reopening the previous text object
    start = len(stream.stream)
    _draw_text(stream, textbox, *args, **kwargs)
    ops = stream.stream[start:]
    matrices = [i for i, op in enumerate(ops) if isinstance(op, bytes) and op.endswith(b" Tm")]
    plain = textbox.style["text_decoration_line"] in ("none", set(), frozenset())
    emoji = any(isinstance(op, bytes) and op.endswith(b" Do") for op in ops)
    if plain and not emoji and len(matrices) == 1 and ops[matrices[0]] == _text_matrix(textbox):
        state = tuple(getattr(stream, name) for name in _STATE)
        replay.recorded[probe] = (ops, matrices[0], state)
    else:
        replay.recorded[probe] = None
    return None


# Installed once (draw_inline_level for slot lines, draw_replacedbox for the QR image, a stacking
# context of its own, draw_text for text boxes).
weasyprint_draw.draw_inline_level = _draw_inline_level_or_mark
weasyprint_draw.draw_replacedbox = _draw_replacedbox_or_mark
weasyprint_draw.draw_text = _draw_text_or_replay
