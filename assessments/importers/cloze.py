"""Checking Moodle embedded-answer (Cloze) questions, which we skip but must not mistake for
valid when they are broken: Moodle refuses a Cloze question without embedded answers, a choice
subquestion with fewer than two choices, a subquestion with no 100 % answer, and a numerical
subquestion whose answer is not a number. So do we, and the file then imports nothing."""

from __future__ import annotations

import re

_TYPES = (
    "SHORTANSWER|SA|MW|SHORTANSWER_C|SAC|MWC|NUMERICAL|NM|"
    "MULTICHOICE(?:_[VH]?S?)?|MC[VH]?S?|MULTIRESPONSE(?:_H?S?)?|MR[H]?S?"
)
_SUBQUESTION = re.compile(r"\{(\d*):(" + _TYPES + r"):((?:\\.|[^}])*)\}")
_EMPTY = re.compile(r"\{(\d*):(" + _TYPES + r")\}")
_WEIGHT = re.compile(r"^%(-?\d+(?:\.\d+)?)%")
_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")


def cloze_problems(text: str) -> list[str]:
    problems = [f"the embedded answer {m.group(0)} has no answers" for m in _EMPTY.finditer(text)]
    found = list(_SUBQUESTION.finditer(text))
    if not found and not problems:
        return ["the question text has no embedded answers ({1:MULTICHOICE:…} and the like)"]
    for number, match in enumerate(found, start=1):
        kind, body = match.group(2), match.group(3)
        label = f"embedded answer {number} ({match.group(0)[:60]})"
        answers = [a for a in re.split(r"(?<!\\)~", body) if a.strip()]
        fractions, values = [], []
        for answer in answers:
            answer = answer.strip()
            if answer.startswith("="):
                fraction, answer = 100.0, answer[1:]
            elif weight := _WEIGHT.match(answer):
                fraction, answer = float(weight.group(1)), answer[weight.end() :]
            else:
                fraction = 0.0
            fractions.append(fraction)
            values.append(re.split(r"(?<!\\)#", answer, maxsplit=1)[0].strip())
        if kind.startswith(("MULTICHOICE", "MC", "MULTIRESPONSE", "MR")) and len(answers) < 2:
            problems.append(f"{label} needs at least two choices")
        elif not kind.startswith(("MULTIRESPONSE", "MR")) and max(fractions, default=0) < 100:
            problems.append(f"{label} has no answer worth 100 %")
        if kind in ("NUMERICAL", "NM"):
            for value in values:
                number = value.split(":", 1)[0].strip()
                if number != "*" and not _NUMBER.match(number):
                    problems.append(f"{label}: '{number}' is not a number")
    return problems
