"""The item editor in the admin: one set of panels per item type, plus versions and statistics."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
    InlinePanel,
    MultiFieldPanel,
    ObjectList,
    Panel,
    TabbedInterface,
)

from . import content as c
from .models import Item, ItemStatistics


class ItemInfoPanel(Panel):
    """Read-only information about a saved item, rendered from a template."""

    def __init__(self, template: str, **kwargs):
        super().__init__(**kwargs)
        self.template = template

    def clone_kwargs(self):
        return {**super().clone_kwargs(), "template": self.template}

    class BoundPanel(Panel.BoundPanel):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.template_name = self.panel.template

        def get_context_data(self, parent_context=None):
            context = super().get_context_data(parent_context)
            item = self.instance
            context["item"] = item
            if item.pk:
                context["versions"] = item.versions.order_by("-number")
                context["statistics"] = (
                    ItemStatistics.objects.filter(version__item=item)
                    .select_related("version")
                    .order_by("-version__number", "-computed_at")
                )
            return context


def _bilingual(zh: str, en: str) -> FieldRowPanel:
    return FieldRowPanel([FieldPanel(zh), FieldPanel(en)])


def _options(*fields: str) -> InlinePanel:
    panels = [
        FieldRowPanel([FieldPanel("key"), *(FieldPanel(f) for f in fields)]),
        _bilingual("text_zh", "text_en"),
    ]
    if "correct" in fields:
        panels.append(_bilingual("feedback_zh", "feedback_en"))
    return InlinePanel("options", panels=panels, heading=_("Options"), min_num=2)


OUTCOME_FEEDBACK = MultiFieldPanel(
    [
        _bilingual("feedback_correct_zh", "feedback_correct_en"),
        _bilingual("feedback_partial_zh", "feedback_partial_en"),
        _bilingual("feedback_incorrect_zh", "feedback_incorrect_en"),
    ],
    heading=_("Feedback by outcome"),
    classname="collapsed",
)

ANSWER_PANELS = {
    c.SINGLE_CHOICE: [_options("correct", "fraction"), OUTCOME_FEEDBACK],
    c.TRUE_FALSE: [_options("correct"), OUTCOME_FEEDBACK],
    c.MULTIPLE_RESPONSE: [
        FieldPanel("mr_scoring"),
        _options("correct", "fraction"),
        OUTCOME_FEEDBACK,
    ],
    c.SJT_BEST_WORST: [FieldPanel("worst_key"), _options("sme_score")],
    c.SJT_RATE: [
        FieldRowPanel([FieldPanel("rating_min"), FieldPanel("rating_max")]),
        _options("sme_mean"),
    ],
    c.NUMERIC: [
        FieldPanel("numeric_unit"),
        InlinePanel(
            "numeric_answers",
            panels=[
                FieldRowPanel(
                    [FieldPanel("answer"), FieldPanel("tolerance"), FieldPanel("fraction")]
                ),
                FieldRowPanel([FieldPanel("low"), FieldPanel("high"), FieldPanel("any_value")]),
                _bilingual("feedback_zh", "feedback_en"),
            ],
            heading=_("Answers"),
            min_num=1,
        ),
    ],
    c.SHORT_ANSWER: [
        FieldPanel("case_sensitive"),
        InlinePanel(
            "accepted_answers",
            panels=[
                FieldRowPanel(
                    [FieldPanel("text_zh"), FieldPanel("text_en"), FieldPanel("fraction")]
                ),
                _bilingual("feedback_zh", "feedback_en"),
            ],
            heading=_("Accepted answers"),
            min_num=1,
        ),
    ],
    c.MATCHING: [
        InlinePanel(
            "pairs",
            panels=[_bilingual("left_zh", "left_en"), _bilingual("right_zh", "right_en")],
            heading=_("Pairs"),
            min_num=2,
        ),
        OUTCOME_FEEDBACK,
    ],
    c.ORDERING: [
        FieldPanel("order_scoring"),
        InlinePanel(
            "steps", panels=[_bilingual("text_zh", "text_en")], heading=_("Steps"), min_num=2
        ),
        OUTCOME_FEEDBACK,
    ],
}


def _handler(item_type: str) -> TabbedInterface:
    return TabbedInterface(
        [
            ObjectList(
                [
                    ItemInfoPanel("assessments/admin/panels/version_notice.html"),
                    FieldPanel("name"),
                    MultiFieldPanel(
                        [FieldPanel("stem_zh"), FieldPanel("stem_en")], heading=_("Stem")
                    ),
                    *ANSWER_PANELS[item_type],
                    MultiFieldPanel(
                        [FieldPanel("rationale_zh"), FieldPanel("rationale_en")],
                        heading=_("Rationale (shown after grading)"),
                    ),
                ],
                heading=_("Content"),
            ),
            ObjectList(
                [
                    FieldRowPanel([FieldPanel("bank"), FieldPanel("category")]),
                    FieldRowPanel([FieldPanel("ref"), FieldPanel("status")]),
                    FieldPanel("competencies"),
                    FieldRowPanel(
                        [
                            FieldPanel("target_level"),
                            FieldPanel("case_id"),
                            FieldPanel("default_mark"),
                        ]
                    ),
                ],
                heading=_("Classification"),
            ),
            ObjectList(
                [
                    ItemInfoPanel("assessments/admin/panels/versions.html", heading=_("Versions")),
                    ItemInfoPanel(
                        "assessments/admin/panels/statistics.html", heading=_("Statistics")
                    ),
                ],
                heading=_("Versions and statistics"),
            ),
        ]
    )


HANDLERS = {item_type: _handler(item_type).bind_to_model(Item) for item_type in c.TYPES}


def handler_for(item_type: str):
    return HANDLERS.get(item_type, HANDLERS[c.SINGLE_CHOICE])
