"""Signals that let higher apps react to the ledger without this app importing them.

``evidence_recorded`` is sent after the transaction that wrote the rows commits, with the ids of
the cadres and competencies touched (analytics debounces a summary refresh on it).
"""

from django.dispatch import Signal

evidence_recorded = Signal()
