"""Authoring in the Wagtail admin: trainers edit templates, see a live preview (HTML and PDF),
and a template with a script or a remote URL is refused with the reasons."""

from __future__ import annotations

from django.urls import reverse
from wagtail.test.utils.form_data import nested_form_data

from certificates.models import CertificateTemplate


def _form(template, **changes):
    data = {
        "name": template.name,
        "page_size": template.page_size,
        "body_html": template.body_html,
        "css": template.css,
        "seal": "",
        "issuer_name_zh": "",
        "issuer_name_en": "",
    }
    return nested_form_data({**data, **changes})


def test_trainer_previews_a_template_live(client, world, template):
    client.force_login(world.trainer)
    url = reverse(
        "wagtailsnippets_certificates_certificatetemplate:preview_on_edit", args=[template.pk]
    )
    edited = _form(template, body_html="<p class='x'>{holder_name} · {achievement}</p>")
    assert client.post(url, edited).json()["is_valid"] is True
    html = client.get(url).content.decode()
    assert '欧阳明华</shuzhi-value> · <shuzhi-value name="achievement">D2.3 数据分析与解读' in html
    assert "@page { size: A4 landscape" in html
    pdf = client.get(url, {"mode": "pdf"})
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF")


def test_a_template_with_a_script_or_remote_url_is_refused(client, world, template):
    client.force_login(world.trainer)
    url = reverse("wagtailsnippets_certificates_certificatetemplate:edit", args=[template.pk])
    response = client.post(
        url,
        _form(
            template,
            body_html="<p>{holder_name}</p><script>alert(1)</script>",
            css=".a { background: url(https://tracker.example.com/x.png) }",
        ),
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "&lt;script&gt;" in body
    assert "tracker.example.com" in body
    template.refresh_from_db()
    assert "<script>" not in template.body_html
    assert CertificateTemplate.objects.count() == 1


def test_cadres_cannot_author(client, world, template):
    client.force_login(world.cadre_a.user)
    url = reverse("wagtailsnippets_certificates_certificatetemplate:edit", args=[template.pk])
    assert client.get(url).status_code in (302, 403)
