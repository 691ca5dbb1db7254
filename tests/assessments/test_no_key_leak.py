"""No key, option score, feedback or rationale reaches the browser before grading: every page
and JSON response of a running attempt is checked, for a fixed form holding every item type and
for an adaptive form taken to its end."""

from __future__ import annotations

import json
import re

import pytest
from django.urls import reverse

from assessments.content import plain_text
from assessments.models import Attempt, FormSection, Item
from assessments.scoring import key_of, public_view

from .delivery_helpers import adaptive_form, fixed_form, load_bank

pytestmark = pytest.mark.django_db

FIELD_NAMES = ('"correct"', '"fraction"', '"sme_mean"', '"sme_score"', "worst_key", "rationale")


def _secrets(version) -> set[str]:
    """Texts only the key holds: rationale, feedback, accepted answers — minus any that the
    public view shows anyway (an accepted answer may repeat a word of the stem)."""
    doc = version.content
    shown = json.dumps(public_view(version), ensure_ascii=False)
    found = set()

    def add(html: str | None) -> None:
        text = plain_text(html or "").strip()
        for chunk in re.split(r"[。，．,.;；:：\n]", text):
            chunk = chunk.strip()
            if len(chunk) >= 6 and chunk not in shown:
                found.add(chunk)

    for lang in ("zh", "en"):
        add(doc.get(f"rationale_{lang}"))
        for part in ("correct", "partial", "incorrect"):
            add((doc.get("feedback") or {}).get(f"{part}_{lang}"))
        for option in doc.get("options") or []:
            add(option.get(f"feedback_{lang}"))
        for answer in doc.get("short_answers") or []:
            text = (answer.get(f"text_{lang}") or "").strip()
            if len(text) >= 2 and text not in shown:
                found.add(text)
    return found


def _check(response, secrets: set[str]) -> None:
    body = response.content.decode("utf-8")
    for name in FIELD_NAMES:
        assert name not in body, f"{name} in {response.request['PATH_INFO']}"
    for secret in secrets:
        assert secret not in body, f"{secret!r} leaked at {response.request['PATH_INFO']}"


def _all_types_form(world):
    form = fixed_form(world, items_per_page=3)
    form.sections.all().delete()
    section = FormSection.objects.create(
        form=form, competency=Item.objects.get(ref="EX-M04-MC-1").competencies.get(), count=10
    )
    section.pool.set(Item.objects.filter(ref__startswith="EX-"))
    section.save()
    return form


def test_fixed_form_pages_and_autosave_never_show_keys(world, client):
    load_bank()
    form = _all_types_form(world)
    client.force_login(world.cadre_a.user)
    _check(client.get(reverse("assessments:my_assessments")), set())
    response = client.post(reverse("assessments:start", args=[form.pk]), follow=True)
    attempt = Attempt.objects.get(form=form, cadre=world.cadre_a)
    assert form.sections.count() == 1
    slots = list(attempt.items.select_related("version"))
    assert {s.version.content["type"] for s in slots} >= {
        "single_choice",
        "multiple_response",
        "true_false",
        "short_answer",
        "matching",
        "ordering",
        "sjt_best_worst",
    }
    secrets = set().union(*(_secrets(s.version) for s in slots))
    assert secrets, "the example items carry rationale texts to look for"
    _check(response, secrets)
    take = reverse("assessments:take", args=[attempt.pk])
    for page in range(1, 5):
        _check(client.get(f"{take}?page={page}"), secrets)
    answers = {s.position: key_of(s.version)["response"] for s in slots}
    url = reverse("assessments:autosave", args=[attempt.pk])
    saved = client.post(url, {"answers": answers}, content_type="application/json")
    assert saved.status_code == 200 and sorted(saved.json()["saved"]) == sorted(answers)
    _check(saved, secrets)
    bad = client.post(url, {"answers": {"1": {"x": 1}}}, content_type="application/json")
    _check(bad, secrets)
    typed = {v for v in answers.values() if isinstance(v, str)}  # shown back: the cadre's own
    for page in range(1, 5):  # pages re-filled with the saved (correct) answers
        _check(client.get(f"{take}?page={page}"), secrets - typed)
    moved = client.post(f"{take}?page=1", {"action": "next"}, follow=True)
    _check(moved, secrets - typed)


def test_adaptive_pages_never_show_keys(world, client):
    load_bank()
    form = adaptive_form(world)
    client.force_login(world.cadre_a.user)
    client.post(reverse("assessments:start", args=[form.pk]))
    attempt = Attempt.objects.get(form=form, cadre=world.cadre_a)
    pool_secrets = set()
    for row in attempt.cat_state["pool"]:
        from assessments.models import ItemVersion

        pool_secrets |= _secrets(ItemVersion.objects.get(pk=row["version"]))
    take = reverse("assessments:take", args=[attempt.pk])
    for _step in range(form.max_items + 1):
        page = client.get(take)
        if page.status_code == 302:
            break
        _check(page, pool_secrets)
        attempt.refresh_from_db()
        pending = json.loads(attempt.cat_state["state"])["pending"]
        slot = attempt.items.select_related("version").get(version_id=int(pending))
        data = _form_data(slot)
        answered = client.post(take, data)
        assert answered.status_code == 302
    attempt.refresh_from_db()
    assert attempt.graded
    result = client.get(reverse("assessments:result", args=[attempt.pk]))
    assert result.status_code == 200 and "θ" in result.content.decode()


def _form_data(slot) -> dict:
    """The key's response as the take page's fields (so the POST path is exercised too)."""
    response = key_of(slot.version)["response"]
    prefix = f"r{slot.position}"
    kind = slot.version.content["type"]
    if kind == "multiple_response":
        return {prefix: response}
    if kind in ("matching", "sjt_rate", "sjt_best_worst"):
        return {f"{prefix}-{k}": v for k, v in response.items()}
    if kind == "ordering":
        return {f"{prefix}-{sid}": rank for rank, sid in enumerate(response, start=1)}
    return {prefix: response}
