"""The gradebook view of course-grade's rows: one line per student, points per lesson, their sum."""

from __future__ import annotations

SCORED = ("graded", "unanswered")  # the statuses of a question otter scored
SUPERSEDED = "not graded:"  # an older copy of a lesson the student also handed in graded: nothing is missing


def totals(rows: list[dict]) -> tuple[list[str], list[dict]]:
    """The columns and one row per student: each lesson's points, `points` and `of` (their sum and the most they
    could be, over the lessons the student handed in), and `not graded`: the student's files that earned nothing
    because they could not be graded (a lesson that timed out or failed counts 0 of its points)."""
    lessons = sorted({r["lesson"] for r in rows if r["lesson"]})
    most = {lesson: sum({r["question"]: float(r["max_score"]) for r in rows  # every student's bundle is the same
                         if r["lesson"] == lesson and r["status"] in SCORED}.values()) for lesson in lessons}
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
        line["points"] = float(sum(line[lesson] for lesson in handed_in))
        line["of"] = float(sum(most[lesson] for lesson in handed_in))
        line["not graded"] = "; ".join(line["not graded"])
    return ["student", *lessons, "points", "of", "not graded"], [sheet[s] for s in sorted(sheet)]

