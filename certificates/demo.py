"""Demo certificates: the default template (bilingual, formal, with a neutral drawn seal), two
rules, and certificates for seeded cadres whose evidence shows a certified competency level.

Idempotent: the template and rules are keyed on their names, certificates on the database's
exactly-once constraint.
"""

from __future__ import annotations

from django.db.models import Max

from competencies.models import Evidence, EvidenceSource
from competencies.selectors import competency_names

from .batches import render_missing
from .models import AchievementKind, CertificateTemplate, IssuanceRule
from .services import Achievement, issue_for

DEFAULT_TEMPLATE_NAME = "默认证书（中英文）"

DEFAULT_HTML = """<div class="frame">
<p class="issuer">{issuer}<br><span>{issuer_en}</span></p>
<h1>证　书</h1>
<p class="title-en">CERTIFICATE · {kind_en}</p>
<p class="lead"><b>{holder_name}</b>同志：经考核合格，完成{kind}</p>
<p class="achievement">{achievement}</p>
<p class="detail">{level}　{credit_hours}</p>
<p class="en">This is to certify that {holder_name} has achieved: {achievement_en}.
{level_en} {credit_hours_en}</p>
<div class="verify">{qr_code}<p>扫码核验 Scan to verify<br>{code}<br>证书编号 No. {serial}</p></div>
<div class="sign">{seal}<p>{issuer}<br>{date}</p></div>
</div>
"""

DEFAULT_CSS = """.certificate { background: #fbf8f0; color: #1d2b3a; }
.frame { position: absolute; top: 9mm; left: 9mm; right: 9mm; bottom: 9mm;
  border: 2.4mm double #1d3557; padding: 8mm 22mm 0; text-align: center; }
p { margin: 0; }
.issuer { font-size: 11pt; letter-spacing: 0.2em; color: #1d3557; line-height: 1.4; }
.issuer span { font-size: 7.5pt; letter-spacing: 0.05em; color: #5b6573; }
h1 { font-size: 40pt; letter-spacing: 0.5em; margin: 3mm 0 0 0.5em; color: #1d3557; }
.title-en { font-size: 9pt; letter-spacing: 0.35em; color: #a9812f;
  border-bottom: 0.4mm solid #a9812f; padding-bottom: 2.5mm; margin: 0 55mm; }
.lead { margin-top: 9mm; font-size: 15pt; text-align: left; padding-left: 14mm; }
.lead b { font-size: 20pt; padding: 0 3mm; border-bottom: 0.3mm solid #1d2b3a; margin-right: 1mm; }
.achievement { margin-top: 6mm; font-size: 20pt; font-weight: bold; color: #1d3557; }
.detail { margin-top: 1.5mm; font-size: 12.5pt; color: #3b4654; }
.en { margin: 4mm 12mm 0; font-size: 9pt; color: #5b6573; }
.verify { position: absolute; left: 14mm; bottom: 10mm; width: 90mm; text-align: left; }
.verify .qr { float: left; width: 23mm; margin-right: 3mm; }
.verify p { font-size: 7pt; color: #5b6573; line-height: 1.6; padding-top: 3mm; }
.sign { position: absolute; right: 16mm; bottom: 10mm; width: 64mm; height: 38mm; }
.seal { position: absolute; right: 12mm; top: 0; width: 36mm; opacity: 0.92; }
.sign p { position: absolute; left: 0; right: 0; bottom: 2mm; font-size: 11pt; line-height: 1.8; }
"""


def default_template() -> CertificateTemplate:
    template, _created = CertificateTemplate.objects.update_or_create(
        name=DEFAULT_TEMPLATE_NAME, defaults={"body_html": DEFAULT_HTML, "css": DEFAULT_CSS}
    )
    return template


def default_rules(template: CertificateTemplate) -> list[IssuanceRule]:
    course, _ = IssuanceRule.objects.get_or_create(
        name_zh="课程结业证书",
        defaults={
            "name_en": "Course completion certificate",
            "kind": AchievementKind.COURSE,
            "template": template,
        },
    )
    level, _ = IssuanceRule.objects.get_or_create(
        name_zh="能力等级认证证书（第2级及以上）",
        defaults={
            "name_en": "Competency level certificate (level 2 and above)",
            "kind": AchievementKind.COMPETENCY_LEVEL,
            "min_level": 2,
            "valid_for_months": 36,
            "template": template,
        },
    )
    return [course, level]


def seed_certificates(limit: int = 12) -> str:
    """Certificates for the cadres with the highest assessment evidence, as if their level had
    been certified (assessments certifies L1–L3 by test alone)."""
    template = default_template()
    default_rules(template)
    best = (
        Evidence.objects.filter(source_kind=EvidenceSource.IMPORT, value__gte=3)
        .values("cadre_id", "competency__code")
        .annotate(top=Max("value"))
        .order_by("-top", "cadre_id", "competency__code")[:limit]
    )
    names = competency_names([row["competency__code"] for row in best])
    ids = []
    for row in best:
        code = row["competency__code"]
        zh, en = names.get(code, (code, ""))
        for certificate in issue_for(
            Achievement(
                cadre_id=row["cadre_id"],
                kind=AchievementKind.COMPETENCY_LEVEL,
                reference=code,
                title_zh=f"{code} {zh}",
                title_en=f"{code} {en}",
                level=min(3, int(row["top"])),
            )
        ):
            ids.append(certificate.pk)
    rendered = render_missing(ids)
    return f"{len(set(ids))} certificates ({rendered} PDFs rendered)"
