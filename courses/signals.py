"""Signals courses sends so higher apps can react without courses importing them.

``course_completed(sender, cadre_id, course_id, completed_at)``: sent on commit when a cadre
completes a course (all lessons done, plus its assessment passed where one is attached).
"""

from django.dispatch import Signal

course_completed = Signal()
