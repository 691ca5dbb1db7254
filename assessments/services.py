"""Write paths of the item bank: versions, items from records (data files, imports), media."""

from __future__ import annotations

import hashlib
import html
import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from competencies.models import Competency

from . import content as c
from .models import Item, ItemBank, ItemCategory, ItemMedia, ItemStatus, ItemVersion
from .models.item import DELIVERED_STATUSES
from .working_copy import apply_content, content_of, search_text


class ItemContentError(ValidationError):
    """The working copy cannot be saved as a version; ``messages`` say why."""


def content_hash(doc: dict[str, Any]) -> str:
    canonical = json.dumps(doc, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def content_problems(item: Item) -> list[str]:
    return c.validate_content(content_of(item))


@transaction.atomic
def save_version(item: Item, *, user: AbstractBaseUser | None = None) -> ItemVersion:
    """Snapshot the (saved) working copy. Unchanged content keeps its version; a changed one
    updates an unlocked version in place and otherwise becomes the next version. Items that may
    be delivered have their current version locked."""
    doc = content_of(item)
    problems = c.validate_content(doc)
    if problems:
        raise ItemContentError(problems)
    digest = content_hash(doc)
    current = item.current_version
    if current is not None and current.content_hash != digest and not current.locked:
        current.content, current.content_hash = doc, digest
        current.save()
    elif current is None or current.content_hash != digest:
        number = (item.versions.aggregate(n=Max("number"))["n"] or 0) + 1
        current = ItemVersion.objects.create(
            item=item, number=number, content=doc, content_hash=digest, created_by=user
        )
    if item.status in DELIVERED_STATUSES and not current.locked:
        lock_version(current)
    Item.objects.filter(pk=item.pk).update(
        current_version=current, search_text=search_text(item, doc)
    )
    item.current_version = current
    return current


def lock_version(version: ItemVersion) -> None:
    """Freeze a version (delivery calls this too, before it shows a version to anyone)."""
    if version.locked_at is None:
        version.locked_at = timezone.now()
        ItemVersion.objects.filter(pk=version.pk, locked_at__isnull=True).update(
            locked_at=version.locked_at
        )


# --- items from records -------------------------------------------------------------------------


@dataclass
class ItemRecord:
    """One item as a data file or an importer describes it, before it is written."""

    name: str
    content: dict[str, Any]
    ref: str = ""
    external_id: str = ""
    category_path: str = ""
    category_info: str = ""
    category_idnumber: str = ""
    competency_codes: list[str] = field(default_factory=list)
    target_level: int | None = None
    case_id: str = ""
    status: str = ItemStatus.DRAFT
    default_mark: float = 1.0
    keywords: list[str] = field(default_factory=list)
    files: dict[str, bytes] = field(default_factory=dict)
    where: str = ""


def get_bank(name: str) -> ItemBank:
    bank, _created = ItemBank.objects.get_or_create(name=name.strip()[:120])
    return bank


def get_category(bank: ItemBank, path: str, info: str = "", idnumber: str = "") -> ItemCategory:
    category, created = ItemCategory.objects.get_or_create(
        bank=bank, path=path[:500], defaults={"info": info, "idnumber": idnumber[:100]}
    )
    if not created and ((info and not category.info) or (idnumber and not category.idnumber)):
        category.info = category.info or info
        category.idnumber = category.idnumber or idnumber[:100]
        category.save(update_fields=["info", "idnumber"])
    return category


def competencies_by_code(codes: Iterable[str]) -> dict[str, Competency]:
    wanted = set(codes)
    found = Competency.objects.filter(code__in=wanted, domain__framework__is_current=True)
    return {comp.code: comp for comp in found}


_PLUGINFILE = re.compile(r"@@PLUGINFILE@@/([^\"'\s<>?#]+)")


def store_media(name: str, data: bytes) -> ItemMedia:
    digest = hashlib.sha256(data).hexdigest()
    media = ItemMedia.objects.filter(sha256=digest).first()
    if media is None:
        media = ItemMedia(sha256=digest, original_name=name[:255], size=len(data))
        media.file.save(name, ContentFile(data), save=False)
        media.save()
    return media


_MISSING_IMAGE = re.compile(r"<img\b[^>]*@@PLUGINFILE@@/([^\"'\s<>?#]+)[^>]*>", re.IGNORECASE)


def _rewrite_files(value: Any, urls: Callable[[str], str | None]) -> Any:
    """Point @@PLUGINFILE@@ references at the stored files. A reference to a file the import
    did not carry (GIFT cannot carry files) becomes a visible note, never a broken link."""
    if isinstance(value, str):
        value = _PLUGINFILE.sub(lambda m: urls(unquote(m.group(1))) or m.group(0), value)
        value = _MISSING_IMAGE.sub(
            lambda m: f"<em>[缺少文件 missing file: {html.escape(unquote(m.group(1)))}]</em>", value
        )
        return _PLUGINFILE.sub("#", value)
    if isinstance(value, list):
        return [_rewrite_files(v, urls) for v in value]
    if isinstance(value, dict):
        return {k: _rewrite_files(v, urls) for k, v in value.items()}
    return value


def write_record(
    record: ItemRecord,
    bank: ItemBank,
    *,
    source: str,
    user: AbstractBaseUser | None = None,
    extra_competencies: Iterable[Competency] = (),
) -> tuple[Item, bool]:
    """Create the item (or update the one with the same ref) and save its version."""
    stored = {name: store_media(name, data) for name, data in record.files.items()}
    doc = _rewrite_files(record.content, lambda n: stored[n].file.url if n in stored else None)
    item = Item.objects.filter(ref=record.ref).first() if record.ref else None
    created = item is None
    if created:
        item = Item(ref=record.ref, created_by=user)
    item.bank = bank
    item.category = (
        get_category(bank, record.category_path, record.category_info, record.category_idnumber)
        if record.category_path
        else None
    )
    item.external_id = record.external_id[:255]
    item.name = (record.name or c.plain_text(c.text_of(doc, "stem")) or record.ref)[:255]
    item.source = source
    item.status = record.status
    item.target_level = record.target_level
    item.case_id = record.case_id
    item.default_mark = record.default_mark
    item.keywords = record.keywords
    apply_content(item, doc)
    found = competencies_by_code(record.competency_codes)
    missing = sorted(set(record.competency_codes) - set(found))
    if missing:
        raise ItemContentError(
            _("unknown competency code(s): %(codes)s") % {"codes": ", ".join(missing)}
        )
    item.competencies = [*found.values(), *extra_competencies]
    item.save()
    save_version(item, user=user)
    return item, created
