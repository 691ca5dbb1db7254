"""The public verification page in every state, forged and altered codes, rate limiting, and
revocation by administrators (with reason and audit)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from wagtail.models import ModelLogEntry

from certificates.codes import ALPHABET, CODE_LENGTH, new_code
from certificates.models import Certificate
from certificates.selectors import mask_name, public_record
from certificates.services import REVOKE_ACTION, revoke


def _page(client, code):
    return client.get(reverse("certificates:verify", kwargs={"code": code}))


def test_valid_certificate_shows_masked_name_and_what_it_certifies(client, certificate_a):
    response = _page(client, certificate_a.display_code)
    body = response.content.decode()
    assert response.status_code == 200
    assert "有效" in body or "valid" in body
    assert certificate_a.holder_name not in body
    assert mask_name(certificate_a.holder_name) in body
    assert "数据分析与解读" in body
    assert certificate_a.serial in body
    assert certificate_a.cadre.employee_no not in body
    assert certificate_a.cadre.unit.name_zh not in body


def test_revoked_certificate_shows_revoked_with_reason(client, certificate_a, world):
    revoke(certificate_a, by=world.admin, reason="证书信息有误")
    response = client.get(
        reverse("certificates:verify", kwargs={"code": certificate_a.code}),
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    body = response.content.decode()
    assert "已撤销" in body
    assert "证书信息有误" in body


def test_expired_certificate_shows_expired(client, certificate_a):
    Certificate.objects.filter(pk=certificate_a.pk).update(
        expires_at=timezone.now() - timedelta(days=1)
    )
    body = _page(client, certificate_a.code).content.decode()
    assert "已过期" in body


def test_english_page(client, certificate_a):
    response = client.get(
        f"/en{reverse('certificates:verify', kwargs={'code': certificate_a.code})}"
    )
    assert "This certificate is valid" in response.content.decode()


def test_forged_code_is_never_valid(client, certificate_a):
    forged = new_code()  # well-formed, passes its check, but was never issued
    response = _page(client, forged)
    assert response.status_code == 404
    assert (
        "No certificate has this code" in response.content.decode()
        or "没有" in response.content.decode()
    )


def test_every_single_character_alteration_is_never_valid(certificate_a):
    code = certificate_a.code
    for i in range(CODE_LENGTH):
        for other in ALPHABET:
            if other != code[i]:
                assert public_record(code[:i] + other + code[i + 1 :], "") is None


def test_altered_code_over_http_is_not_found(client, certificate_a):
    code = certificate_a.code
    altered = code[:5] + ("A" if code[5] != "A" else "B") + code[6:]
    assert _page(client, altered).status_code == 404


def test_verification_is_rate_limited_per_client(client, certificate_a, settings):
    settings.CERTIFICATES_VERIFY_LIMIT = 3
    for _ in range(3):
        assert _page(client, certificate_a.code).status_code == 200
    response = _page(client, certificate_a.code)
    assert response.status_code == 429
    assert response["Retry-After"] == str(settings.CERTIFICATES_VERIFY_WINDOW)
    assert "请" in response.content.decode() or "wait" in response.content.decode()
    other = client.get(
        reverse("certificates:verify", kwargs={"code": certificate_a.code}), REMOTE_ADDR="10.0.0.9"
    )
    assert other.status_code == 200  # a different client is not affected


def test_verify_form_redirects_to_the_page(client, certificate_a):
    response = client.get(
        reverse("certificates:verify_form"), {"code": certificate_a.display_code.lower()}
    )
    assert response.status_code == 302
    assert response["Location"].endswith(f"/verify/{certificate_a.code}/")


@pytest.mark.parametrize(
    "name, masked",
    [
        ("张三", "张*"),
        ("王小明", "王*明"),
        ("欧阳明华", "欧**华"),
        ("John Smith", "J*** S****"),
        ("<script>", "<*******"),
    ],
)
def test_mask_name(name, masked):
    assert mask_name(name) == masked


def test_admin_revokes_with_reason_and_audit(client, world, certificate_a):
    client.force_login(world.admin)
    url = reverse("certificates:revoke", kwargs={"code": certificate_a.code})
    assert client.post(url, {"reason": "  "}).status_code == 200  # reason required
    response = client.post(url, {"reason": "材料不实"})
    assert response.status_code == 302
    certificate_a.refresh_from_db()
    assert certificate_a.revoked_by == world.admin
    assert certificate_a.revocation_reason == "材料不实"
    entry = ModelLogEntry.objects.get(action=REVOKE_ACTION)
    assert entry.user_id == world.admin.pk
    assert entry.data["reason"] == "材料不实"
    with pytest.raises(ValidationError, match="already revoked"):
        revoke(certificate_a, by=world.admin, reason="again")


def test_hr_may_not_revoke(client, world, certificate_a):
    client.force_login(world.hr_a)
    url = reverse("certificates:revoke", kwargs={"code": certificate_a.code})
    assert client.post(url, {"reason": "x"}).status_code == 403
    certificate_a.refresh_from_db()
    assert certificate_a.revoked_at is None
