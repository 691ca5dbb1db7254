"""Demo certificates: the default template (bilingual, formal, with a neutral drawn seal), two
rules, and certificates for seeded cadres whose evidence shows a certified competency level.

Idempotent: the template and rules are keyed on their names, certificates on the database's
exactly-once constraint.
"""

from __future__ import annotations

from django.db.models import Max

from competencies.models import Evidence
from competencies.selectors import competency_names

from .batches import render_missing
from .models import AchievementKind, CertificateTemplate, IssuanceRule
from .services import Achievement, issue_for

DEFAULT_TEMPLATE_NAME = "默认证书（中英文）"

# Few elements on purpose: WeasyPrint's cost per page grows with the number of elements (styles
# are computed per element and pseudo-element), so lines share an element where they can
# (white-space: pre-line, ::first-line, ::after). Every paragraph holding a value breaks its
# lines explicitly (pre-line), so a batch is stamped (stamping.py) rather than laid out per page.
DEFAULT_HTML = """<div class="frame">
<p class="issuer">{issuer}
{issuer_en}</p>
<h1>证　书</h1>
<p class="lead"><b>{holder_name}</b>同志：经考核合格，完成{kind}，特发此证。</p>
<p class="achievement">{achievement}
{level}　{credit_hours}</p>
<p class="en">This is to certify that {holder_name} has achieved {kind_en}:
{achievement_en}. {level_en} {credit_hours_en}</p>
<div class="verify">{qr_code}扫码核验 · Scan to verify
验证码 {code}
证书编号 No. {serial}</div>
<div class="sign">{seal}{issuer}
{date}</div>
</div>
"""

DEFAULT_CSS = """.certificate { background: #fbf8f0; color: #1d2b3a; }
.frame { position: absolute; top: 9mm; left: 9mm; right: 9mm; bottom: 9mm;
  border: 2.4mm double #1d3557; padding: 9mm 24mm 0; text-align: center; }
p { margin: 0; }
.issuer { white-space: pre-line; font-size: 11pt; letter-spacing: 0.2em; color: #1d3557;
  line-height: 1.5; }
.issuer::first-line { letter-spacing: 0.3em; }
h1 { font-size: 40pt; letter-spacing: 0.5em; margin: 4mm 0 0 0.5em; color: #1d3557;
  line-height: 1.2; }
h1::after { content: "CERTIFICATE"; display: block; margin: 1mm 52mm 0 calc(52mm + 0.5em);
  padding-bottom: 2.5mm; border-bottom: 0.4mm solid #a9812f; font-size: 9pt;
  letter-spacing: 0.6em; color: #a9812f; }
.lead { margin-top: 10mm; font-size: 15pt; text-align: left; }
.lead b { font-size: 20pt; padding: 0 3mm; border-bottom: 0.3mm solid #1d2b3a;
  margin-right: 1mm; }
.achievement { white-space: pre-line; margin-top: 7mm; font-size: 13pt; line-height: 1.7;
  color: #3b4654; }
.achievement::first-line { font-size: 21pt; font-weight: bold; color: #1d3557; }
.en { white-space: pre-line; margin: 4mm 10mm 0; font-size: 9pt; line-height: 1.6;
  color: #5b6573; }
.verify { position: absolute; left: 14mm; bottom: 11mm; width: 120mm; text-align: left;
  white-space: pre-line; font-size: 7.5pt; line-height: 1.9; color: #5b6573; }
.verify .qr { float: left; width: 23mm; margin-right: 4mm; }
.sign { position: absolute; right: 16mm; bottom: 11mm; width: 70mm; padding-top: 15mm;
  white-space: pre-line; font-size: 11.5pt; line-height: 1.9; }
.sign .seal { position: absolute; left: 18mm; top: 0; width: 35mm; }
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
    """Certificates for the cadres with the highest assessment evidence and for the demo
    ``cadre`` login, as if assessments had certified those levels (L1–L3 by test alone).
    Course certificates follow once courses reports completions."""
    template = default_template()
    default_rules(template)
    strong = Evidence.objects.filter(value__gte=2)
    best = list(
        strong.filter(value__gte=3)
        .values("cadre_id", "competency__code")
        .annotate(top=Max("value"))
        .order_by("-top", "cadre_id", "competency__code")[:limit]
    )
    best += list(
        strong.filter(cadre__user__username="cadre")
        .values("cadre_id", "competency__code")
        .annotate(top=Max("value"))
        .order_by("-top", "competency__code")[:2]
    )
    names = competency_names([row["competency__code"] for row in best])
    ids = []
    for row in best:
        code = row["competency__code"]
        zh, en = names.get(code, (code, ""))
        achievement = Achievement(
            cadre_id=row["cadre_id"],
            kind=AchievementKind.COMPETENCY_LEVEL,
            reference=code,
            title_zh=f"{code} {zh}",
            title_en=f"{code} {en}",
            level=min(3, int(row["top"])),
        )
        ids += [certificate.pk for certificate in issue_for(achievement)]
    rendered = render_missing(ids)
    return f"{len(set(ids))} certificates ({rendered} PDFs rendered)"
