"""Editing the framework in the Wagtail admin: a competency and its five anchors on one page,
who may edit, and the listing's export."""

from __future__ import annotations

import pytest
from django.urls import reverse
from wagtail.test.utils.form_data import inline_formset, nested_form_data

from competencies.models import Competency, Domain

pytestmark = pytest.mark.django_db


def _competency_form(domain, anchors):
    return nested_form_data(
        {
            "domain": domain.pk,
            "code": "D9.1",
            "sort_order": 9,
            "name_zh": "测试能力",
            "name_en": "Test competency",
            "tag": "T",
            "bridging": "",
            "definition_zh": "定义",
            "definition_en": "Definition",
            "crosswalk": "{}",
            "anchors": inline_formset(
                [{"level": level, "text_zh": f"锚点{level}", "text_en": ""} for level in anchors],
                min=5,
                max=5,
            ),
        }
    )


def test_admin_creates_a_competency_with_its_anchors(world, client):
    client.force_login(world.admin)
    domain = Domain.objects.first()

    response = client.post(
        reverse("competencies_competencies:add"), _competency_form(domain, [1, 2, 3, 4, 5])
    )

    assert response.status_code == 302, response.content.decode()[:3000]
    created = Competency.objects.get(code="D9.1")
    assert list(created.anchors.values_list("level", flat=True)) == [1, 2, 3, 4, 5]


def test_anchors_must_cover_each_level_once(world, client):
    client.force_login(world.admin)
    response = client.post(
        reverse("competencies_competencies:add"),
        _competency_form(Domain.objects.first(), [1, 2, 3, 3, 5]),
    )
    assert response.status_code == 200
    assert not Competency.objects.filter(code="D9.1").exists()


def test_admin_edits_an_anchor(world, client):
    client.force_login(world.admin)
    competency = Competency.objects.get(code="D1.1")
    edit_url = reverse("competencies_competencies:edit", args=[competency.pk])
    from wagtail.test.utils.form_data import querydict_from_html

    data = querydict_from_html(client.get(edit_url).content.decode(), form_id="w-editor-form")
    anchor_prefix = next(k for k, v in data.items() if k.endswith("-level") and v == "2")[
        : -len("level")
    ]
    data[f"{anchor_prefix}text_zh"] = "改过的二级描述"

    response = client.post(edit_url, data)

    assert response.status_code == 302, response.content.decode()[:3000]
    assert competency.anchors.get(level=2).text_zh == "改过的二级描述"


def test_trainer_may_look_but_not_edit(world, client):
    client.force_login(world.trainer)
    competency = Competency.objects.get(code="D1.1")
    assert client.get(reverse("competencies_competencies:index")).status_code == 200
    response = client.get(reverse("competencies_competencies:edit", args=[competency.pk]))
    assert response.status_code == 302 and response.url == reverse("wagtailadmin_home")


def test_hr_and_cadres_cannot_open_the_framework_admin(world, client):
    for user in (world.hr_a, world.cadre_a.user):
        client.force_login(user)
        response = client.get(reverse("competencies_competencies:index"))
        assert response.status_code == 302 and "/admin/" in response.url


def test_listing_exports_csv(world, client):
    client.force_login(world.admin)
    response = client.get(reverse("competencies_competencies:index") + "?export=csv")
    body = b"".join(response.streaming_content).decode("utf-8")
    for code in Competency.objects.values_list("code", flat=True):
        assert code in body
    assert len(body.strip().splitlines()) == 1 + Competency.objects.count()


def test_deleting_a_competency_in_use_is_refused(world, client):
    from competencies.services import Observation, record_evidence

    record_evidence(
        [Observation(world.cadre_a.pk, "D1.1", value=3)], source_kind="rating", source_ref="x"
    )
    client.force_login(world.admin)
    competency = Competency.objects.get(code="D1.1")
    response = client.post(reverse("competencies_competencies:delete", args=[competency.pk]))
    assert response.status_code == 302
    assert Competency.objects.filter(pk=competency.pk).exists()
