"""Test data for rubrics and assignments (built through the services, so they hold the same rules)."""

from __future__ import annotations

from typing import Any

from lentera.assessment import assignment_services as services
from lentera.assessment.models import Assignment, Rubric
from lentera.delivery.tests.factories import ScheduledSessionFactory

SERVICE_CRITERIA = ["Salam", "Mendengarkan", "Ketepatan informasi", "Kesopanan", "Penutup"]
FOUR_LEVELS = [("Sangat baik", 4), ("Baik", 3), ("Cukup", 2), ("Kurang", 1)]


def make_rubric(
    library: Any, *, criteria: list[str] | None = None, levels: list[tuple[str, int]] | None = None
) -> Rubric:
    names = criteria or SERVICE_CRITERIA
    levels = levels or FOUR_LEVELS
    return services.rubric_save(
        actor=None,
        library=library,
        title="Rubrik layanan pemustaka",
        levels=levels,
        criteria=[(name, [f"{name}: {label}" for label, _points in levels]) for name in names],
    )


def make_assignment(
    cohort: Any,
    *,
    method: str = "practice",
    mode: str = Assignment.Mode.SUBMISSION,
    rubric: Rubric | None = None,
    instructors: list[Any] | None = None,
    session: dict[str, Any] | None = None,
    **fields: Any,
) -> Assignment:
    scheduled = ScheduledSessionFactory(
        cohort=cohort, plan__method=method, instructors=instructors or [], **(session or {})
    )
    return services.assignment_save(
        actor=None,
        session=scheduled,
        title=fields.pop("title", "Tugas klasifikasi DDC"),
        rubric=rubric or make_rubric(cohort.library),
        mode=mode,
        accepts_file=fields.pop("accepts_file", True),
        accepts_link=fields.pop("accepts_link", True),
        **fields,
    )


def levels_by_points(rubric: Rubric) -> dict[int, Any]:
    return {level.points: level for level in rubric.levels.all()}
