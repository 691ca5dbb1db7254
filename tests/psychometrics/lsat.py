"""The LSAT sections 6 and 7 response-pattern tables, the classic IRT test datasets.

Each is 1,000 examinees × 5 dichotomous items given as the frequencies of the 32 patterns in
binary order (00000, 00001, …, 11111; item 1 is the leftmost digit), which is how R mirt
(``LSAT6``, ``LSAT7``; Chalmers, 2012) and ltm ship them and how ``expand.table`` expands them.

- LSAT7: Bock, R. D. & Lieberman, M. (1970). Fitting a response model for n dichotomously
  scored items. Psychometrika 35, 179–197.
- LSAT6: Thissen, D. (1982). Marginal maximum likelihood estimation for the one-parameter
  logistic model. Psychometrika 47, 175–186 (also the OpenBUGS 'LSAT' example).

The counts are published data (facts), checked here by reproducing mirt's published estimates.
"""

import itertools

import numpy as np

LSAT7_COUNTS = (
    12, 19, 1, 7, 3, 19, 3, 17, 10, 5, 3, 7, 7, 23, 8, 28,
    7, 39, 11, 34, 14, 51, 15, 90, 6, 25, 7, 35, 18, 136, 32, 308,
)  # fmt: skip
LSAT6_COUNTS = (
    3, 6, 2, 11, 1, 1, 3, 4, 1, 8, 0, 16, 0, 3, 2, 15,
    10, 29, 14, 81, 3, 28, 15, 80, 16, 56, 21, 173, 11, 61, 28, 298,
)  # fmt: skip
PATTERNS = np.array(list(itertools.product([0, 1], repeat=5)), dtype=float)
ITEMS = ("Item.1", "Item.2", "Item.3", "Item.4", "Item.5")


def expand(counts: tuple[int, ...]) -> np.ndarray:
    """One row per examinee, patterns in table order (R mirt's ``expand.table``)."""
    return np.repeat(PATTERNS, counts, axis=0)
