"""The gradebook view of course-grade's rows: one line per student, points per lesson, their sum."""

from __future__ import annotations

import ast
import zipfile
from pathlib import Path

SCORED = ("graded", "unanswered")  # the statuses of a question otter scored
SUPERSEDED = "not graded:"  # an older copy of a lesson the student also handed in graded: nothing is missing


def bundle_points(bundle: Path) -> float:
    """The points an autograder bundle gives in all: the sum of its tests' `points` (otter's OK format, one
    `tests/NAME.py` per question holding `test = {..., 'points': P, ...}`)."""
    total = 0.0
    with zipfile.ZipFile(bundle) as archive:
        for name in archive.namelist():
            if name.startswith("tests/") and name.endswith(".py"):
                for node in ast.parse(archive.read(name)).body:
                    names = [t.id for t in getattr(node, "targets", ()) if isinstance(t, ast.Name)]
                    if isinstance(node, ast.Assign) and names == ["test"]:
                        total += float(ast.literal_eval(node.value).get("points", 0))
    return total


def totals(rows: list[dict], points: dict[str, float]) -> tuple[list[str], list[dict]]:
    """The columns and one row per student: each lesson's points, `points` and `of` (their sum and the most they
    could be, over the lessons the student handed in; `points` gives each lesson's most), and `not graded`: the
    student's files that were not graded, and why (a lesson that failed or timed out counts 0 of its points)."""
    lessons = sorted({r["lesson"] for r in rows if r["lesson"]})
    sheet = {}
    for row in rows:
        line = sheet.setdefault(row["student"], {"student": row["student"], "not graded": []})
        if row["status"] in SCORED:
            line[row["lesson"]] = line.get(row["lesson"], 0.0) + float(row["score"])
        elif not row["status"].startswith(SUPERSEDED):
            line["not graded"].append(f"{row['notebook']} ({row['status']})")
            if row["lesson"]:
                line.setdefault(row["lesson"], 0.0)
    for line in sheet.values():
        handed_in = [lesson for lesson in lessons if lesson in line]
        line["points"] = sum(line[lesson] for lesson in handed_in)
        line["of"] = sum(points[lesson] for lesson in handed_in)
        for column in (*handed_in, "points", "of"):
            line[column] = f"{round(line[column], 2):g}"  # 2.6666666666666665 reads 2.67, 8.0 reads 8
        line["not graded"] = "; ".join(line["not graded"])
    return ["student", *lessons, "points", "of", "not graded"], [sheet[s] for s in sorted(sheet)]
