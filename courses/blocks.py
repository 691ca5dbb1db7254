"""The lesson body's StreamField blocks. Each has a template, an icon and a preview value.

Interactive blocks (knowledge check, scenario) render only what a cadre may see before answering:
answer keys, option feedback, scores and next nodes stay on the server (``courses.services``
reads them from the stored page when the cadre answers). Texts are monolingual: the English
version of a course is its own page in the English locale (docs/courses.md, "Languages").
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.forms.utils import ErrorList
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.blocks.struct_block import StructBlockValidationError
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.images.blocks import ImageChooserBlock

from . import scenario_graph
from .exhibits import ChartType

FEATURES = ["bold", "italic", "ol", "ul", "link"]


class RichTextSectionBlock(blocks.RichTextBlock):
    class Meta:
        icon = "pilcrow"
        label = _("Rich text")
        template = "courses/blocks/rich_text.html"
        preview_value = "<p>数字化城市运行和治理中心把告警、工单和处置结果汇聚到一张图上。</p>"


class FigureBlock(blocks.StructBlock):
    image = ImageChooserBlock(label=_("Image"))
    alt = blocks.CharBlock(label=_("Text alternative"), max_length=250)
    caption = blocks.CharBlock(label=_("Caption"), required=False)

    class Meta:
        icon = "image"
        label = _("Image")
        template = "courses/blocks/image.html"
        preview_value = {"alt": "示意图", "caption": "图注"}


class VideoBlock(blocks.StructBlock):
    """A video served from our own media storage, with captions (WebVTT) or a transcript."""

    video = DocumentChooserBlock(label=_("Video file (MP4 or WebM)"))
    title = blocks.CharBlock(label=_("Title"))
    captions = DocumentChooserBlock(label=_("Captions (WebVTT)"), required=False)
    transcript = blocks.RichTextBlock(features=FEATURES, label=_("Transcript"), required=False)

    def clean(self, value):
        value = super().clean(value)
        if not value.get("captions") and not value.get("transcript"):
            raise StructBlockValidationError(
                non_block_errors=ErrorList(
                    [ValidationError(_("A video needs captions or a transcript."))]
                )
            )
        return value

    class Meta:
        icon = "media"
        label = _("Video")
        template = "courses/blocks/video.html"
        preview_value = {"title": "视频", "transcript": "<p>文字稿</p>"}


class ExhibitBlock(blocks.StructBlock):
    """A data exhibit: an uploaded CSV/XLSX shown as an accessible table and, optionally, a
    chart drawn from two of its columns (built server-side in ``courses.exhibits``)."""

    title = blocks.CharBlock(label=_("Title"))
    document = DocumentChooserBlock(label=_("Data file (CSV or XLSX)"), required=False)
    caption = blocks.CharBlock(label=_("Caption"), required=False)
    column_labels = blocks.TextBlock(
        label=_("Column labels"),
        required=False,
        help_text=_("Optional, one per line: column name in the file = label shown."),
    )
    chart_type = blocks.ChoiceBlock(
        choices=ChartType.choices, default=ChartType.NONE, label=_("Chart")
    )
    x = blocks.CharBlock(label=_("X column (categories)"), required=False)
    y = blocks.CharBlock(label=_("Y column (values)"), required=False)
    group = blocks.CharBlock(label=_("Group column"), required=False)

    def clean(self, value):
        value = super().clean(value)
        if value.get("document") is None:
            if value.get("title") and self.meta.document_required:
                raise StructBlockValidationError(
                    block_errors={"document": ValidationError(_("Choose the data file."))}
                )
            return value
        from .exhibits import exhibit_problems

        problems = exhibit_problems(value)
        if problems:
            raise StructBlockValidationError(
                non_block_errors=ErrorList([ValidationError(p) for p in problems])
            )
        return value

    class Meta:
        icon = "table"
        label = _("Data exhibit")
        template = "courses/blocks/exhibit.html"
        document_required = True
        preview_value = {"title": "数据展示", "chart_type": "none"}


class OptionalExhibitBlock(ExhibitBlock):
    title = blocks.CharBlock(label=_("Title"), required=False)

    class Meta:
        document_required = False
        required = False


class CalloutBlock(blocks.StructBlock):
    kind = blocks.ChoiceBlock(
        choices=[("policy", _("Policy excerpt")), ("tip", _("Tip")), ("warning", _("Warning"))],
        default="policy",
        label=_("Kind"),
    )
    title = blocks.CharBlock(label=_("Title"))
    text = blocks.RichTextBlock(features=FEATURES, label=_("Text"))
    source = blocks.CharBlock(label=_("Source"), required=False)

    class Meta:
        icon = "openquote"
        label = _("Callout or policy excerpt")
        template = "courses/blocks/callout.html"
        preview_value = {
            "kind": "policy",
            "title": "政策摘录",
            "text": "<p>各级政务部门应当依法依规共享数据。</p>",
        }


class CheckOptionBlock(blocks.StructBlock):
    text = blocks.CharBlock(label=_("Option"))
    correct = blocks.BooleanBlock(label=_("Correct"), required=False)


class KnowledgeCheckBlock(blocks.StructBlock):
    """A question from the item bank (by its reference, e.g. M04-MC-1) or written inline."""

    item_ref = blocks.CharBlock(
        label=_("Item bank reference"),
        required=False,
        help_text=_("e.g. M04-MC-1. Leave empty to write the question below."),
    )
    stem = blocks.RichTextBlock(features=FEATURES, label=_("Question"), required=False)
    options = blocks.ListBlock(CheckOptionBlock(), label=_("Options"), default=[])
    feedback = blocks.RichTextBlock(features=FEATURES, label=_("Feedback"), required=False)

    def clean(self, value):
        value = super().clean(value)
        from .knowledge import check_problems

        problems = check_problems(value)
        if problems:
            raise StructBlockValidationError(
                non_block_errors=ErrorList([ValidationError(p) for p in problems])
            )
        return value

    class Meta:
        icon = "help"
        label = _("Knowledge check")
        template = "courses/blocks/knowledge_check.html"
        preview_value = {
            "stem": "<p>“一网统管”的核心是什么？</p>",
            "options": [{"text": "数据共享与协同处置", "correct": True}, {"text": "多建系统"}],
        }


class ScoreBlock(blocks.StructBlock):
    competency = blocks.CharBlock(label=_("Competency code"), max_length=10)
    score = blocks.IntegerBlock(label=_("Score (−2…+2)"), min_value=-2, max_value=2)


class ScenarioOptionBlock(blocks.StructBlock):
    text = blocks.CharBlock(label=_("Option"))
    feedback = blocks.RichTextBlock(features=FEATURES, label=_("Consequence feedback"))
    scores = blocks.ListBlock(ScoreBlock(), label=_("Evidence scores"), default=[])
    next = blocks.CharBlock(label=_("Next decision or ending (id)"), max_length=40)


class DecisionBlock(blocks.StructBlock):
    id = blocks.CharBlock(label=_("Id"), max_length=40)
    situation = blocks.RichTextBlock(features=FEATURES, label=_("Situation"))
    exhibit = OptionalExhibitBlock(label=_("Exhibit (optional)"))
    options = blocks.ListBlock(ScenarioOptionBlock(), label=_("Options"), min_num=2, max_num=5)


class EndingBlock(blocks.StructBlock):
    id = blocks.CharBlock(label=_("Id"), max_length=40)
    outcome = blocks.ChoiceBlock(
        choices=[("good", _("Good")), ("mixed", _("Mixed")), ("poor", _("Poor"))],
        default="mixed",
        label=_("Outcome"),
    )
    title = blocks.CharBlock(label=_("Title"))
    text = blocks.RichTextBlock(features=FEATURES, label=_("Text"))


GRAPH_MESSAGES = {
    scenario_graph.NO_ENDING: _("The scenario has no ending."),
    scenario_graph.BAD_START: _("The start “%(node)s” is not a decision point."),
    scenario_graph.DUPLICATE_ID: _("The id “%(node)s” is empty or used twice."),
    scenario_graph.DANGLING_NEXT: _(
        "Decision “%(node)s”: option %(detail)s leads to no decision or ending."
    ),
    scenario_graph.UNREACHABLE: _("Decision “%(node)s” cannot be reached from the start."),
    scenario_graph.DEAD_END: _("Decision “%(node)s” is a dead end: no ending can be reached."),
    scenario_graph.CYCLE: _(
        "Decision “%(node)s” is part of a cycle (tick “cycles allowed” if intended)."
    ),
    scenario_graph.OPTION_COUNT: _("Decision “%(node)s” has %(detail)s options (2–5 allowed)."),
    scenario_graph.SCORE_RANGE: _("Decision “%(node)s”: score %(detail)s is outside −2…+2."),
}


def graph_message(problem: scenario_graph.Problem) -> str:
    return str(GRAPH_MESSAGES[problem.kind]) % {"node": problem.node, "detail": problem.detail}


def scenario_data(value: Any) -> dict[str, Any]:
    """The scenario as plain data (the shape ``scenario_graph`` and the player read)."""
    return {
        "start": (value.get("start") or "").strip(),
        "cycles_allowed": bool(value.get("cycles_allowed")),
        "decisions": [
            {
                "id": (d.get("id") or "").strip(),
                "options": [
                    {
                        "next": (o.get("next") or "").strip(),
                        "scores": {s["competency"].strip(): s["score"] for s in o["scores"]},
                    }
                    for o in d.get("options") or []
                ],
            }
            for d in value.get("decisions") or []
        ],
        "endings": [{"id": (e.get("id") or "").strip()} for e in value.get("endings") or []],
    }


class ScenarioBlock(blocks.StructBlock):
    """A branching scenario: briefing, decision points, endings and a debrief. Saving validates
    the graph (``courses.scenario_graph``) and names the decision at fault."""

    title = blocks.CharBlock(label=_("Title"))
    briefing = blocks.RichTextBlock(features=FEATURES, label=_("Case briefing"))
    start = blocks.CharBlock(label=_("First decision (id)"), max_length=40)
    decisions = blocks.ListBlock(DecisionBlock(), label=_("Decision points"), min_num=1)
    endings = blocks.ListBlock(EndingBlock(), label=_("Endings"), default=[])
    cycles_allowed = blocks.BooleanBlock(label=_("Cycles allowed"), required=False)
    debrief = blocks.RichTextBlock(features=FEATURES, label=_("Debrief"))

    def clean(self, value):
        value = super().clean(value)
        problems = scenario_graph.problems(scenario_data(value))
        if problems:
            raise StructBlockValidationError(
                non_block_errors=ErrorList([ValidationError(graph_message(p)) for p in problems])
            )
        return value

    class Meta:
        icon = "fork"
        label = _("Branching scenario")
        template = "courses/blocks/scenario.html"
        preview_value = {
            "title": "情景演练",
            "briefing": "<p>凌晨2点，物联感知平台报警……</p>",
            "start": "d1",
        }


class LessonBodyBlock(blocks.StreamBlock):
    rich_text = RichTextSectionBlock()
    image = FigureBlock()
    video = VideoBlock()
    exhibit = ExhibitBlock()
    callout = CalloutBlock()
    knowledge_check = KnowledgeCheckBlock()
    scenario = ScenarioBlock()

    class Meta:
        required = False


INTERACTIVE = ("knowledge_check", "scenario")
