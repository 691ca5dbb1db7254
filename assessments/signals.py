"""Signals assessments sends so higher apps can react without assessments importing them.

``attempt_graded(sender, attempt_id, cadre_id, form_id, passed)``: sent on commit after grading.
``level_certified(sender, cadre_id, competency_code, level, attempt_id)``: sent on commit when a
graded attempt shows a cadre at a competency level that an assessment may certify (L1–L3 by
test alone; see competency-model.md §2).
"""

from django.dispatch import Signal

attempt_graded = Signal()
level_certified = Signal()
