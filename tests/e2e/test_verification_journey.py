"""A cadre downloads a certificate; the address in its QR code opens the public verification
page, which shows it valid, and revoked once an administrator revokes it. axe finds nothing
serious on My certificates or the verification page. Run twice: the certificate rendered on its
own (one WeasyPrint document), and rendered in a batch (layered rendering, stamping.py)."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
import segno
from pypdf import PdfReader

from certificates.batches import render_missing
from certificates.demo import default_rules, default_template
from certificates.models import Certificate
from certificates.pdfpages import written_here
from certificates.services import issue_for
from tests.certificates.conftest import level_achievement
from tests.e2e.conftest import serious_violations

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def _qr_link(pdf: bytes) -> str:
    """The address the QR code encodes: the link around it, checked against the QR's pixels."""
    page = PdfReader(io.BytesIO(pdf)).pages[0]
    links = [a.get_object()["/A"]["/URI"] for a in page.get("/Annots", [])]
    (url,) = {str(u) for u in links if "/verify/" in u}
    (image,) = [i for i in page.images if i.image.size[0] < 100]
    pixels = image.image.convert("L")
    expected = segno.make(url, error="m", mask=0, boost_error=False)
    matrix = [[bool(v) for v in row] for row in expected.matrix_iter(scale=1, border=2)]
    width, height = pixels.size
    seen = [[pixels.getpixel((x, y)) < 128 for x in range(width)] for y in range(height)]
    assert seen == matrix, f"the QR code does not encode the link's address {url}"
    return url


@pytest.mark.parametrize("batched", [False, True], ids=["own-document", "stamped-in-a-batch"])
def test_download_verify_revoke(world, page, live_server, login, settings, tmp_path, batched):
    settings.CERTIFICATES_BASE_URL = live_server.url
    settings.CERTIFICATES_PRIVATE_ROOT = tmp_path / "private"
    default_rules(default_template())
    (certificate,) = issue_for(level_achievement(world.cadre_a))
    if batched:  # render it again with a colleague's, as a cohort batch does
        (other,) = issue_for(level_achievement(world.cadre_b))
        Certificate.objects.filter(pk__in=[certificate.pk, other.pk]).update(pdf="")
        assert render_missing([certificate.pk, other.pk]) == 2
        certificate.refresh_from_db()
        with certificate.pdf.open("rb") as stored:
            assert written_here(stored.read())  # stamped, not its own document

    login(world.cadre_a.user.username)
    page.wait_for_url(lambda url: "/login/" not in url)  # the login POST has landed
    page.goto(f"{live_server.url}/certificates/mine/")
    assert page.get_by_role("heading", name="我的证书").is_visible()
    assert serious_violations(page) == []
    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile("下载 PDF")).click()
    pdf = Path(download.value.path()).read_bytes()
    assert pdf.startswith(b"%PDF")
    url = _qr_link(pdf)
    assert certificate.code in url

    page.context.clear_cookies()
    page.goto(url)
    assert page.get_by_role("heading", name="该证书有效").is_visible()
    assert world.cadre_a.display_name not in page.content()
    assert serious_violations(page) == []

    login(world.admin.username)
    page.wait_for_url(lambda url: "/login/" not in url)
    page.goto(f"{live_server.url}/certificates/manage/")
    page.get_by_role("link", name=re.compile(f"撤销 {certificate.serial}")).click()
    page.get_by_label("撤销原因").fill("颁发对象有误")
    page.get_by_role("button", name="撤销").click()
    page.wait_for_load_state("networkidle")

    page.context.clear_cookies()
    page.goto(url)
    assert page.get_by_role("heading", name="该证书已撤销").is_visible()
    assert page.get_by_text("颁发对象有误").is_visible()
    assert serious_violations(page) == []
