"""Benchmark: server time to render a lesson with a 6-decision scenario and a chart.

A throw-away SQLite database (in a temporary directory) gets the framework, the home page and
one course loaded through the real loader: a lesson with rich text, a callout, a data exhibit
with a bar chart (table + plotly figure built server-side), an inline knowledge check and a
branching scenario of six decision points (one with its own exhibit). A logged-in cadre then
requests the lesson through Django's test client (the whole stack: middleware, Wagtail's
serve, the visit write, templates) after warm-up requests; the baseline in the same run is the
home page (a plain Wagtail page) for the same cadre, requests interleaved so both see the same
machine load. Target: lesson p95 ≤ 100 ms.

    python benchmarks/lesson_page.py [--quick] [--requests N]

The last line is one JSON object.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
WORKDIR = Path(tempfile.mkdtemp(prefix="shuzhi-lesson-bench-"))
os.environ["SHUZHI_VAR_DIR"] = str(WORKDIR)
os.environ.pop("DATABASE_URL", None)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("LOG_LEVEL", "WARNING")
os.environ.setdefault("ALLOWED_HOSTS", "testserver")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.test import Client  # noqa: E402

FIXTURE = ROOT / "tests" / "courses" / "fixtures"


def six_decision_course(target: Path) -> None:
    """The test course with its scenario extended to six decision points (d1 … d6)."""
    doc = json.loads((FIXTURE / "test-data-literacy.json").read_text(encoding="utf-8"))
    (target / "exhibits").mkdir(parents=True)
    for csv in (FIXTURE / "exhibits").glob("*.csv"):
        (target / "exhibits" / csv.name).write_bytes(csv.read_bytes())
    scenario = doc["lessons"][1]["body"][0]
    template = scenario["decisions"][1]
    decisions = []
    for n in range(1, 7):
        decision = json.loads(json.dumps(template))
        decision["id"] = f"d{n}"
        nxt = f"d{n + 1}" if n < 6 else "end-good"
        decision["options"][0]["next"] = nxt
        decision["options"][1]["next"] = nxt if n < 6 else "end-poor"
        if n == 1:
            decision["exhibit"] = scenario["decisions"][0]["exhibit"]
        decisions.append(decision)
    scenario["decisions"] = decisions
    lesson = doc["lessons"][0]
    lesson["body"].append(scenario)
    (target / "test-data-literacy.json").write_text(json.dumps(doc, ensure_ascii=False))


def setup() -> tuple[Client, str, str]:
    from competencies.framework_io import load_bundled_framework
    from courses.content_loader import load_courses
    from courses.models import LessonPage
    from people.models import AdminLevel, OrgUnit, Position, UnitKind
    from portal.demo import seed_home_page
    from tests import factories

    call_command("migrate", verbosity=0)
    load_bundled_framework()
    home = seed_home_page()
    content = WORKDIR / "content"
    six_decision_course(content)
    load_courses(content)
    unit = OrgUnit.add_root(
        code="B500000", name_zh="测试市", level=AdminLevel.CITY, kind=UnitKind.MUNICIPALITY
    )
    cadre = factories.cadre(unit, Position.objects.first(), "BENCH-1", "测试干部")
    lesson = LessonPage.objects.get(slug="reading-alerts", locale__language_code="zh-hans")
    blocks = [c.block_type for c in lesson.body]
    assert blocks.count("scenario") == 1 and "exhibit" in blocks, blocks
    client = Client()
    client.force_login(cadre.user)
    del home
    return client, lesson.url, "/"


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def measure(client: Client, urls: dict[str, str], n: int, warmup: int) -> dict[str, list[float]]:
    for _ in range(warmup):
        for url in urls.values():
            assert client.get(url).status_code == 200
    times: dict[str, list[float]] = {name: [] for name in urls}
    for _ in range(n):
        for name, url in urls.items():
            start = time.perf_counter()
            response = client.get(url)
            times[name].append((time.perf_counter() - start) * 1000)
            assert response.status_code == 200
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="50 requests instead of 200")
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args()
    n = 50 if args.quick else args.requests
    client, lesson_url, home_url = setup()
    body = client.get(lesson_url).content.decode()
    assert 'data-figure="figure-' in body and "scenarios/" in body
    times = measure(client, {"lesson": lesson_url, "baseline_home": home_url}, n, warmup=20)
    result: dict = {"benchmark": "lesson_page", "requests": n, "target_p95_ms": 100}
    for name, values in times.items():
        result[f"{name}_p50_ms"] = round(statistics.median(values), 2)
        result[f"{name}_p95_ms"] = round(percentile(values, 0.95), 2)
        print(
            f"{name:>14}: p50 {result[f'{name}_p50_ms']:.1f} ms, "
            f"p95 {result[f'{name}_p95_ms']:.1f} ms over {n} warm requests"
        )
    result["lesson_meets_target"] = result["lesson_p95_ms"] <= 100
    print(json.dumps(result))


if __name__ == "__main__":
    main()
