"""The item bank (banks, categories, items, versions, statistics, media, imports) and delivery
(forms, cut scores, attempts, calibration versions)."""

from .attempts import Attempt, AttemptItem, AttemptStatus, CloseReason, CompetencyResult
from .bank import ItemBank, ItemCategory
from .calibration import CalibrationRun, CalibrationStatus, ItemCalibration
from .forms import AssessmentForm, CutScore, FeedbackPolicy, FormKind, FormSection
from .item import (
    AcceptedAnswer,
    Item,
    ItemOption,
    ItemSource,
    ItemStatus,
    ItemType,
    MatchPair,
    NumericAnswer,
    SequenceStep,
)
from .media import ImportStatus, ItemMedia, QuestionImport
from .version import ItemStatistics, ItemVersion

__all__ = [
    "AcceptedAnswer",
    "AssessmentForm",
    "Attempt",
    "AttemptItem",
    "AttemptStatus",
    "CalibrationRun",
    "CalibrationStatus",
    "CloseReason",
    "CompetencyResult",
    "CutScore",
    "FeedbackPolicy",
    "FormKind",
    "FormSection",
    "ImportStatus",
    "Item",
    "ItemBank",
    "ItemCalibration",
    "ItemCategory",
    "ItemMedia",
    "ItemOption",
    "ItemSource",
    "ItemStatistics",
    "ItemStatus",
    "ItemType",
    "ItemVersion",
    "MatchPair",
    "NumericAnswer",
    "QuestionImport",
    "SequenceStep",
]
