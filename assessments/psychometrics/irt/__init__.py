"""Item response theory: models, calibration, scoring, linking and simulation."""

from .calibration import MODELS, Calibration, CalibrationError, calibrate
from .linking import Linking, anchor_drift, mean_sigma, stocking_lord, transform
from .model import (
    ItemParameters,
    category_probabilities,
    expected_scores,
    item_information,
    total_information,
)
from .scoring import METHODS, Scores, ScoringError, score

__all__ = [
    "METHODS",
    "MODELS",
    "Calibration",
    "CalibrationError",
    "ItemParameters",
    "Linking",
    "Scores",
    "ScoringError",
    "anchor_drift",
    "calibrate",
    "category_probabilities",
    "expected_scores",
    "item_information",
    "mean_sigma",
    "score",
    "stocking_lord",
    "total_information",
    "transform",
]
