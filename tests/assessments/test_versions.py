"""Versions: the content an attempt saw never changes."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from assessments.models import ItemStatus, ItemVersion
from assessments.services import lock_version, save_version
from assessments.working_copy import apply_content

pytestmark = pytest.mark.django_db


def test_locked_version_cannot_be_changed(examples):
    version = examples["EX-M04-MC-1"].current_version
    assert version.locked
    version.content = {**version.content, "stem_zh": "<p>篡改</p>"}
    version.content_hash = "0" * 64
    with pytest.raises(ValidationError):
        version.save()
    with pytest.raises(ValidationError):
        ItemVersion.objects.filter(pk=version.pk).update(content={})
    assert "篡改" not in ItemVersion.objects.get(pk=version.pk).content["stem_zh"]


def test_editing_a_delivered_item_keeps_the_old_version(examples):
    item = examples["EX-M04-MS-1"]
    old = item.current_version
    doc = dict(old.content)
    doc["options"] = [
        {**o, "correct": not o["correct"]} if o["key"] == "C" else o for o in doc["options"]
    ]
    apply_content(item, doc)
    item.save()
    new = save_version(item)
    assert new.number == old.number + 1
    assert ItemVersion.objects.get(pk=old.pk).content == old.content
    assert [o["correct"] for o in new.content["options"]][2] is True


def test_a_draft_becomes_locked_when_it_may_be_delivered(examples):
    item = examples["EX-M04-NUM-1"]
    item.status = ItemStatus.DRAFT
    item.save()
    draft = item.current_version
    ItemVersion.objects.filter(pk=draft.pk).update(locked_at=None)
    draft.refresh_from_db()
    item.current_version = draft
    assert not draft.locked
    item.status = ItemStatus.OPERATIONAL
    item.save()
    assert save_version(item).pk == draft.pk
    draft.refresh_from_db()
    assert draft.locked


def test_lock_version_is_idempotent(examples):
    version = examples["EX-D4-SA-1"].current_version
    stamp = version.locked_at
    lock_version(version)
    version.refresh_from_db()
    assert version.locked_at == stamp
