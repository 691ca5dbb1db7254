"""One PDF file per page of a document WeasyPrint has built (a pydyf ``PDF``), without parsing
it back.

A stamped chunk is one WeasyPrint document whose pages share fonts, the seal and graphic states.
Splitting its written file with pypdf cost more than stamping the pages (every object parsed,
cloned and written again per page). Here each object is serialised once; every page's file gets
the shared objects (serialised once per chunk, with the same numbers in every file) and its own
(content stream, QR image, link), and keeps only the images its content draws.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Sequence

import pydyf

_REFERENCE = re.compile(rb"(?<![\w.])(\d+) 0 R\b")
_DRAWN = re.compile(rb"/([^\s/\[\]()<>{}%]+) Do\b")
_FIRST = 5  # 1 catalog, 2 page tree, 3 page, 4 information


def _head(data: bytes, obj: pydyf.Object) -> tuple[bytes, bytes]:
    """An object's dictionary part (where references are) and its stream part, if any."""
    if isinstance(obj, pydyf.Stream):
        head, separator, body = data.partition(b"\nstream\n")
        return head, separator + body
    return data, b""


class PageFiles:
    """Writes the pages of ``pdf`` (as built by ``weasyprint.pdf.generate_pdf``) as files."""

    def __init__(self, pdf: pydyf.PDF) -> None:
        self.objects = {o.number: o for o in pdf.objects if o.number and o.free != "f"}
        self._data: dict[int, tuple[bytes, bytes]] = {}
        self.pages = [self.objects[int(n)] for n in pdf.pages["Kids"][::3]]
        self.drawn = [self._drawn(page) for page in self.pages]
        resources = self._resolve(self.pages[0]["Resources"]) if self.pages else {}
        self.resources = {k: v for k, v in resources.items() if k != "XObject"}
        self.xobjects = dict(resources.get("XObject", {}))
        common = set.intersection(*self.drawn) if self.drawn else set()
        shared_roots = self._references(
            pydyf.Dictionary({**self.resources, **{n: self.xobjects[n] for n in common}}).data
        )
        self.shared = self._closure(shared_roots, set())
        self.numbers = {old: _FIRST + i for i, old in enumerate(self.shared)}
        self.shared_bytes = [
            self._indirect(new, old, self.numbers) for old, new in self.numbers.items()
        ]

    def _resolve(self, value):
        if isinstance(value, bytes | str) and (m := _REFERENCE.fullmatch(pydyf._to_bytes(value))):
            return self.objects[int(m.group(1))]
        return value

    def _parts(self, number: int) -> tuple[bytes, bytes]:
        if number not in self._data:
            obj = self.objects[number]
            self._data[number] = _head(obj.data, obj)
        return self._data[number]

    def _drawn(self, page) -> set[str]:
        contents = self._resolve(page["Contents"])
        ops = b"\n".join(pydyf._to_bytes(op) for op in contents.stream)
        return {name.decode("latin-1") for name in _DRAWN.findall(ops)}

    @staticmethod
    def _references(data: bytes) -> list[int]:
        return [int(n) for n in _REFERENCE.findall(data)]

    def _closure(self, roots: Iterable[int], known: set[int]) -> list[int]:
        """Objects reachable from ``roots`` and not in ``known``, in a stable order."""
        found: list[int] = []
        seen = set(known)
        stack = list(reversed(list(roots)))
        while stack:
            number = stack.pop()
            if number in seen:
                continue
            seen.add(number)
            found.append(number)
            stack.extend(reversed(self._references(self._parts(number)[0])))
        return found

    def _indirect(self, new: int, old: int, numbers: dict[int, int]) -> bytes:
        head, body = self._parts(old)
        head = _REFERENCE.sub(lambda m: b"%d 0 R" % numbers[int(m.group(1))], head)
        return b"%d 0 obj\n%s%s\nendobj\n" % (new, head, body)

    def write(self, index: int, title: str) -> bytes:
        """The file of page ``index``: one page, its own resources, titled."""
        page = self.pages[index]
        resources = pydyf.Dictionary(self.resources)
        resources["XObject"] = pydyf.Dictionary(
            {name: self.xobjects[name] for name in sorted(self.drawn[index])}
        )
        entries = {k: v for k, v in page.items() if k not in ("Parent", "Resources")}
        own_page = pydyf.Dictionary({**entries, "Resources": resources})
        # (an annotation may point back at its page: that is this file's page 3)
        own = self._closure(self._references(own_page.data), {*self.shared, page.number})
        numbers = dict(self.numbers)
        numbers.update({old: _FIRST + len(self.shared) + i for i, old in enumerate(own)})
        numbers[page.number] = 3
        head = _REFERENCE.sub(lambda m: b"%d 0 R" % numbers[int(m.group(1))], own_page.data)
        head = b"<</Parent 2 0 R" + head.removeprefix(b"<<")
        info = pydyf.Dictionary({"Producer": pydyf.String("Shuzhi"), "Title": pydyf.String(title)})
        out = io.BytesIO()
        out.write(b"%PDF-1.7\n%\xf0\x9f\x96\xa4\n")
        offsets = []
        for chunk in (
            _CATALOG,
            b"2 0 obj\n<</Type /Pages /Kids [3 0 R] /Count 1>>\nendobj\n",
            b"3 0 obj\n%s\nendobj\n" % head,
            b"4 0 obj\n%s\nendobj\n" % info.data,
            *self.shared_bytes,
            *(self._indirect(numbers[old], old, numbers) for old in own),
        ):
            offsets.append(out.tell())
            out.write(chunk)
        xref = out.tell()
        size = len(offsets) + 1
        out.write(b"xref\n0 %d\n0000000000 65535 f \n" % size)
        out.write(b"".join(b"%010d 00000 n \n" % offset for offset in offsets))
        out.write(
            b"trailer\n<</Size %d /Root 1 0 R /Info 4 0 R>>\nstartxref\n%d\n%%%%EOF\n"
            % (size, xref)
        )
        return out.getvalue()


_CATALOG = b"1 0 obj\n<</Type /Catalog /Pages 2 0 R>>\nendobj\n"


def written_here(pdf: bytes) -> bool:
    """Whether ``pdf`` was written by ``PageFiles`` (a stamped certificate), for tests and the
    benchmark."""
    return pdf[: 64 + len(_CATALOG)].find(_CATALOG) != -1


def split(pdf: pydyf.PDF, titles: Sequence[str]) -> list[bytes]:
    files = PageFiles(pdf)
    return [files.write(index, title) for index, title in enumerate(titles)]
