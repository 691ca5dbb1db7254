"""The item bank: banks and categories, items with their versions, statistics, media, imports."""

from .bank import ItemBank, ItemCategory
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
    "ImportStatus",
    "Item",
    "ItemBank",
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
