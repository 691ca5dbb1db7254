"""Load shipped courses (courses/content/*.json) into the page tree, zh-Hans and English.

All or nothing: every file is validated first (``courses.content_validation``); one problem in
one file stops the load before anything is written, and the message names the file and node.
Idempotent: a course whose file has not changed (``CoursePage.content_hash``) is skipped; a
changed one gets a new published revision. Block ids are derived from the course, lesson and
position, so both languages share them (progress is language-independent) and a reload keeps
cadres' answers attached.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from wagtail.documents import get_document_model
from wagtail.models import Collection, Locale, Page, Site

from assessments.selectors import item_refs
from competencies.models import Competency
from people.models import Position

from .content_validation import validate_course
from .knowledge import LESSON_TYPES
from .models import CatalogueIndexPage, CoursePage, LessonPage

CONTENT_DIR = Path(__file__).resolve().parent / "content"
LANGS = {"zh": "zh-hans", "en": "en"}


@dataclass
class LoadResult:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        return (
            f"{len(self.created)} courses created, {len(self.updated)} updated, "
            f"{len(self.unchanged)} unchanged"
        )


def read_files(content_dir: Path) -> list[tuple[Path, dict]]:
    """Parse and validate every course file; raises ValidationError listing every problem."""
    competencies = set(
        Competency.objects.filter(domain__framework__is_current=True).values_list("code", flat=True)
    )
    positions = set(Position.objects.values_list("code", flat=True))
    refs = item_refs(LESSON_TYPES)
    docs, problems, slugs = [], [], {}
    for path in sorted(content_dir.glob("*.json")):
        try:
            doc = json.loads(path.read_text(encoding="utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as error:
            problems.append(f"{path.name}: not valid UTF-8 JSON: {error}")
            continue
        found = validate_course(
            doc, content_dir, competencies=competencies, positions=positions, item_refs=refs
        )
        problems += [f"{path.name}: {p}" for p in found]
        slug = doc.get("slug") if isinstance(doc, dict) else None
        if slug in slugs:
            problems.append(f"{path.name}: slug {slug!r} is also used by {slugs[slug]}")
        slugs[slug] = path.name
        docs.append((path, doc))
    if problems:
        raise ValidationError(problems)
    return docs


def _block_id(*parts: object) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, "shuzhi-course:" + "/".join(map(str, parts))))


def _document(content_dir: Path, relative: str) -> int:
    data = (content_dir / relative).read_bytes()
    title = f"course-exhibit:{relative}"
    Document = get_document_model()
    document = Document.objects.filter(title=title).first()
    digest = hashlib.sha1(data, usedforsecurity=False).hexdigest()
    if document is None or document.file_hash != digest:
        if Collection.get_first_root_node() is None:  # a flushed database has no collections
            Collection.add_root(name="Root")
        document = document or Document(title=title)
        document.file.save(Path(relative).name, ContentFile(data), save=False)
        document.file_size = len(data)
        document.file_hash = digest
        document.save()
    return document.pk


class _Builder:
    """Turns a course document into StreamField data for one language."""

    def __init__(self, content_dir: Path, lang: str):
        self.content_dir, self.lang = content_dir, lang

    def t(self, value: Any) -> str:
        return (value or {}).get(self.lang) or (value or {}).get("zh") or ""

    def exhibit(self, ex: dict | None) -> dict:
        if not ex:
            return {"title": "", "document": None, "chart_type": "none"}
        chart = ex.get("chart") or {}
        labels = ex.get("columns_en") or {} if self.lang == "en" else {}
        return {
            "title": self.t(ex.get("title")),
            "document": _document(self.content_dir, ex["csv"]),
            "caption": self.t(ex.get("caption")),
            "column_labels": "\n".join(f"{k} = {v}" for k, v in labels.items()),
            "chart_type": chart.get("type") or "none",
            "x": chart.get("x") or "",
            "y": chart.get("y") or "",
            "group": chart.get("group") or "",
        }

    def block(self, block: dict) -> tuple[str, Any]:
        kind = block["type"]
        if kind == "rich_text":
            return kind, self.t(block["text"])
        if kind == "callout":
            return kind, {
                "kind": block.get("kind") or "policy",
                "title": self.t(block["title"]),
                "text": self.t(block["text"]),
                "source": self.t(block.get("source")),
            }
        if kind == "exhibit":
            return kind, self.exhibit(block)
        if kind == "knowledge_check":
            inline = block.get("inline") or {}
            return kind, {
                "item_ref": block.get("item") or "",
                "stem": self.t(inline.get("stem")),
                "options": [
                    {"text": self.t(o["text"]), "correct": bool(o.get("correct"))}
                    for o in inline.get("options") or []
                ],
                "feedback": self.t(inline.get("feedback")),
            }
        return kind, self.scenario(block)

    def scenario(self, block: dict) -> dict:
        return {
            "title": self.t(block["title"]),
            "briefing": self.t(block["briefing"]),
            "start": block["start"],
            "cycles_allowed": bool(block.get("cycles_allowed")),
            "debrief": self.t(block["debrief"]),
            "decisions": [
                {
                    "id": d["id"],
                    "situation": self.t(d["situation"]),
                    "exhibit": self.exhibit(d.get("exhibit")),
                    "options": [
                        {
                            "text": self.t(o["text"]),
                            "feedback": self.t(o["feedback"]),
                            "scores": [
                                {"competency": c, "score": s}
                                for c, s in (o.get("scores") or {}).items()
                            ],
                            "next": o["next"],
                        }
                        for o in d["options"]
                    ],
                }
                for d in block["decisions"]
            ],
            "endings": [
                {
                    "id": e["id"],
                    "outcome": e["outcome"],
                    "title": self.t(e["title"]),
                    "text": self.t(e["text"]),
                }
                for e in block.get("endings") or []
            ],
        }

    def body(self, course_slug: str, lesson: dict) -> list[dict]:
        out = []
        for index, block in enumerate(lesson.get("body") or []):
            kind, value = self.block(block)
            out.append(
                {"type": kind, "value": value, "id": _block_id(course_slug, lesson["slug"], index)}
            )
        return out


def catalogue() -> CatalogueIndexPage:
    """The catalogue page under the default site's home page, with its English translation."""
    site = Site.objects.filter(is_default_site=True).select_related("root_page").first()
    if site is None:
        raise ValidationError("No default Wagtail site: run the migrations (or seed_demo) first.")
    home = site.root_page
    page = CatalogueIndexPage.objects.child_of(home).first()
    if page is None:
        page = home.add_child(
            instance=CatalogueIndexPage(title="课程目录", slug="catalogue", locale=home.locale)
        )
        page.save_revision().publish()
    en = Locale.objects.get_or_create(language_code="en")[0]
    if page.get_translation_or_none(en) is None and home.get_translation_or_none(en) is not None:
        english = page.copy_for_translation(en)
        english.title = "Course catalogue"
        english.save_revision().publish()
    for version in [page, page.get_translation_or_none(en)]:
        if version is not None:
            grant_authoring(version)
    return page


AUTHORING = ("add_page", "change_page", "publish_page", "lock_page", "unlock_page")


def grant_authoring(page: Page) -> None:
    """Trainers author and publish courses under the catalogue (docs/courses.md, "Authoring");
    Wagtail's moderation workflow offers review before publishing as well."""
    from django.contrib.auth.models import Permission
    from wagtail.models import GroupPagePermission

    from people.roles import Role, group_for

    trainers = group_for(Role.TRAINER)
    for permission in Permission.objects.filter(
        content_type__app_label="wagtailcore", codename__in=AUTHORING
    ):
        GroupPagePermission.objects.get_or_create(group=trainers, page=page, permission=permission)


def _publish(page: Page) -> None:
    page.save_revision().publish()


def _course_fields(page: CoursePage, doc: dict, lang: str, digest: str) -> None:
    builder = _Builder(Path(), lang)
    page.title = builder.t(doc["title"])
    page.summary = builder.t(doc["summary"])
    page.module = doc.get("module") or ""
    page.target_level = doc["target_level"]
    page.admin_levels = list(doc.get("levels") or [])
    page.credit_hours = Decimal(str(doc["credit_hours"]))
    page.required = bool(doc.get("required"))
    page.assessment_form_id = doc.get("assessment_form_id")
    page.pass_mark = doc.get("pass_mark")
    page.content_hash = digest
    page.competencies.set(
        Competency.objects.filter(
            code__in=doc.get("competencies") or [], domain__framework__is_current=True
        )
    )
    page.positions.set(Position.objects.filter(code__in=doc.get("positions") or []))


def _translation(page: Page, locale: Locale) -> Page:
    existing = page.get_translation_or_none(locale)
    return existing.specific if existing is not None else page.copy_for_translation(locale)


def _load_course(parent: CatalogueIndexPage, doc: dict, digest: str, content_dir: Path) -> bool:
    """Create or update one course in both languages; returns True if it was created."""
    en = Locale.objects.get(language_code="en")
    course = CoursePage.objects.child_of(parent).filter(slug=doc["slug"]).first()
    created = course is None
    if created:
        course = CoursePage(slug=doc["slug"], locale=parent.locale, summary="", title=doc["slug"])
        _course_fields(course, doc, "zh", digest)
        parent.add_child(instance=course)
    _course_fields(course, doc, "zh", digest)
    _publish(course)
    lessons_zh = []
    for lesson_doc in doc["lessons"]:
        lesson = LessonPage.objects.child_of(course).filter(slug=lesson_doc["slug"]).first()
        if lesson is None:
            lesson = course.add_child(
                instance=LessonPage(
                    slug=lesson_doc["slug"], title=lesson_doc["slug"], locale=course.locale
                )
            )
        lesson.title = lesson_doc["title"]["zh"]
        lesson.min_active_minutes = int(lesson_doc.get("min_active_minutes") or 5)
        lesson.body = _Builder(content_dir, "zh").body(doc["slug"], lesson_doc)
        _publish(lesson)
        lessons_zh.append((lesson, lesson_doc))
    english = _translation(course, en)
    _course_fields(english, doc, "en", digest)
    _publish(english)
    for lesson, lesson_doc in lessons_zh:
        lesson_en = _translation(lesson, en)
        lesson_en.title = lesson_doc["title"]["en"]
        lesson_en.min_active_minutes = lesson.min_active_minutes
        lesson_en.body = _Builder(content_dir, "en").body(doc["slug"], lesson_doc)
        _publish(lesson_en)
    return created


def _prerequisites(parent: CatalogueIndexPage, docs: list[tuple[Path, dict]]) -> None:
    """Optional ``prerequisites`` (course slugs), set once every course exists."""
    for _path, doc in docs:
        slugs = doc.get("prerequisites") or []
        if not slugs:
            continue
        course = CoursePage.objects.child_of(parent).get(slug=doc["slug"])
        before = CoursePage.objects.child_of(parent).filter(slug__in=slugs)
        missing = set(slugs) - set(before.values_list("slug", flat=True))
        if missing:
            raise ValidationError(f"{doc['slug']}: unknown prerequisite(s) {sorted(missing)}")
        course.prerequisites.set(before)
        _publish(course)


def load_courses(content_dir: Path = CONTENT_DIR) -> LoadResult:
    """Validate every file, then create/update the courses in one transaction."""
    docs = read_files(content_dir)
    result = LoadResult()
    with transaction.atomic():
        parent = catalogue()
        for path, doc in docs:
            digest = hashlib.sha256(path.read_bytes()).hexdigest()
            for ex in sorted(content_dir.glob(f"exhibits/{doc['slug']}-*")):
                digest = hashlib.sha256(digest.encode() + ex.read_bytes()).hexdigest()
            existing = CoursePage.objects.child_of(parent).filter(slug=doc["slug"]).first()
            if existing is not None and existing.content_hash == digest:
                result.unchanged.append(doc["slug"])
                continue
            created = _load_course(parent, doc, digest, content_dir)
            (result.created if created else result.updated).append(doc["slug"])
        _prerequisites(parent, docs)
    return result
