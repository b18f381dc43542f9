"""A participant's JP history, year by year, against the yearly target (pure, no database).

Each line is one session the person was expected at or attended; only present and late count
for JP (as in the ledger). A year's total is set against the library's yearly target (20 JP
for civil-servant librarians by default), the figure their credit-point dossier asks for.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime


@dataclass(frozen=True)
class HistoryLine:
    starts_at: datetime  # aware; shown in the library's time zone
    ends_at: datetime
    session: str
    cohort: str
    programme: str
    jp: int  # the session's JP
    status: str  # an Attendance.Status value, or "" when nothing was recorded
    status_label: str
    counts: bool  # present or late: the session's JP count

    @property
    def jp_counted(self) -> int:
        return self.jp if self.counts else 0


@dataclass(frozen=True)
class HistoryYear:
    year: int
    target: int
    lines: list[HistoryLine] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(line.jp_counted for line in self.lines)

    @property
    def reached(self) -> bool:
        return self.total >= self.target

    @property
    def missing(self) -> int:
        return max(0, self.target - self.total)

    @property
    def percent(self) -> int:
        return min(100, round(100 * self.total / self.target)) if self.target else 100


def by_year(lines: Iterable[tuple[int, HistoryLine]], *, target: int) -> list[HistoryYear]:
    """``(year, line)`` pairs grouped into years, the latest year first, sessions in date order."""
    years: dict[int, list[HistoryLine]] = {}
    for year, line in lines:
        years.setdefault(year, []).append(line)
    return [
        HistoryYear(year=year, target=target, lines=sorted(years[year], key=lambda line: line.starts_at))
        for year in sorted(years, reverse=True)
    ]
