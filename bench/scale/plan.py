"""How big the province-sized data set is at a given factor. Pure: no database.

At factor 1.0 the scale data adds 39 East Java libraries to the Pasuruan demo (40 in all), about
4,000 participants, 400 cohorts of about 100 participants with 50 sessions each, which gives
about 2,000,000 attendance rows, 1,000,000 feedback answers, 200,000 test answers and 20,000
certificates. The libraries scale with the factor; below one library's worth (factor < 1/39)
one library is kept and its people, cohorts and sessions shrink, down to floors that still give
every page something to show (a running cohort beside finished ones).
"""

from __future__ import annotations

from dataclasses import dataclass

# Totals of the scale data at factor 1.0 (Pasuruan's demo rows come on top).
TARGETS = {
    "libraries": 39,
    "participants": 4_000,
    "cohorts": 400,
    "attendance": 2_000_000,
    "feedback_answers": 1_000_000,
    "test_answers": 200_000,
    "certificates": 20_000,
}
SESSIONS_PER_COHORT = 50
ENROLLED_PER_COHORT = 100
QUESTIONS_PER_TEST = 10
INSTRUCTORS_PER_LIBRARY = 4
COMPLETION_SHARE = 0.5  # of the enrolled, this share completes a finished cohort (and gets a certificate)
COHORT_RESPONSE_SHARE = 0.85  # of the enrolled answer the end-of-cohort round
RUNNING_RESPONSE_SHARE = 0.8  # of those present answer a session round of the running cohort
# answers in one response: the session form (7 ratings, 2 comments at 35 %) and the instructor
# form (4 ratings, a suggestion at 25 %) for one instructor; the cohort form (5 answers, a comment)
ANSWERS_PER_SESSION_RESPONSE = 7 + 2 * 0.35 + 4 + 0.25
ANSWERS_PER_COHORT_RESPONSE = 5 + 0.35
# a follow-up (Kirkpatrick L3) of one older cohort per library: the participant form (4 ratings, a
# comment at 35 %) from 85 %, and the supervisor form (3 ratings, a note at 35 %) from 85 % of the 85 % asked
ANSWERS_PER_FOLLOW_UP = 0.85 * (4 + 0.35) + 0.85 * 0.85 * (3 + 0.35)
ATTENDANCE_SHARE = 0.825  # present or late, on average: those are invited to a session's round

SLUG_PREFIX = "jatim-"
EMAIL_DOMAIN = "skala.lentera.id"  # of the scale libraries and people (made up, like the demo's)
# East Java's regencies and cities without Kota Pasuruan (the demo), and two more libraries
PLACES = [
    ("Kabupaten", "Malang"),  # the first is the benchmark library: it has the running cohort
    ("Kota", "Surabaya"),
    ("Kabupaten", "Sidoarjo"),
    ("Kabupaten", "Jember"),
    ("Kabupaten", "Banyuwangi"),
    ("Kabupaten", "Pasuruan"),
    ("Kabupaten", "Gresik"),
    ("Kabupaten", "Mojokerto"),
    ("Kabupaten", "Jombang"),
    ("Kabupaten", "Kediri"),
    ("Kabupaten", "Lamongan"),
    ("Kabupaten", "Tuban"),
    ("Kabupaten", "Bojonegoro"),
    ("Kabupaten", "Probolinggo"),
    ("Kabupaten", "Lumajang"),
    ("Kabupaten", "Blitar"),
    ("Kabupaten", "Tulungagung"),
    ("Kabupaten", "Trenggalek"),
    ("Kabupaten", "Nganjuk"),
    ("Kabupaten", "Madiun"),
    ("Kabupaten", "Magetan"),
    ("Kabupaten", "Ngawi"),
    ("Kabupaten", "Ponorogo"),
    ("Kabupaten", "Pacitan"),
    ("Kabupaten", "Bondowoso"),
    ("Kabupaten", "Situbondo"),
    ("Kabupaten", "Bangkalan"),
    ("Kabupaten", "Sampang"),
    ("Kabupaten", "Pamekasan"),
    ("Kabupaten", "Sumenep"),
    ("Kota", "Malang"),
    ("Kota", "Batu"),
    ("Kota", "Kediri"),
    ("Kota", "Blitar"),
    ("Kota", "Madiun"),
    ("Kota", "Mojokerto"),
    ("Kota", "Probolinggo"),
    ("Provinsi", "Jawa Timur"),
    ("Proklamator", "Bung Karno"),
]


@dataclass(frozen=True)
class LibraryPlan:
    index: int
    slug: str
    short: str  # prefix of its usernames
    name: str
    city: str
    code: str  # certificate library code
    participants: int
    cohorts: int
    tested: int  # the newest cohorts with a pre- and post-test
    has_running: bool


@dataclass(frozen=True)
class Plan:
    factor: float
    libraries: list[LibraryPlan]
    sessions_per_cohort: int
    enrolled_per_cohort: int
    session_response_share: float

    def estimate(self) -> dict[str, int]:
        """The row counts this plan should give (the running cohort's future sessions not held)."""
        cohorts = sum(lib.cohorts for lib in self.libraries)
        enrolled = [min(lib.participants, self.enrolled_per_cohort) for lib in self.libraries]
        sessions = self.sessions_per_cohort
        attendance = sum(lib.cohorts * sessions * e for lib, e in zip(self.libraries, enrolled, strict=True))
        running = [e for lib, e in zip(self.libraries, enrolled, strict=True) if lib.has_running]
        attendance -= sum(running) * (sessions - sessions // 2)
        tests = sum(2 * lib.tested * e * QUESTIONS_PER_TEST for lib, e in zip(self.libraries, enrolled, strict=True))
        tests -= sum(running) * QUESTIONS_PER_TEST  # no post-test yet
        finished = [(lib.cohorts - lib.has_running) * e for lib, e in zip(self.libraries, enrolled, strict=True)]
        return {
            "libraries": len(self.libraries),
            "participants": sum(lib.participants for lib in self.libraries),
            "cohorts": cohorts,
            "attendance": attendance,
            "test_answers": tests,
            "certificates": round(sum(finished) * COMPLETION_SHARE),
            "feedback_answers": round(_feedback_estimate(self)),
        }


def _feedback_estimate(plan: Plan, share: float | None = None) -> float:
    share = plan.session_response_share if share is None else share
    total = 0.0
    for lib in plan.libraries:
        enrolled = min(lib.participants, plan.enrolled_per_cohort)
        finished = lib.cohorts - lib.has_running
        total += finished * enrolled * COHORT_RESPONSE_SHARE * ANSWERS_PER_COHORT_RESPONSE
        if lib.cohorts >= 2:
            total += enrolled * ANSWERS_PER_FOLLOW_UP
        present = enrolled * ATTENDANCE_SHARE
        # the newest finished cohort had a round after every session
        total += plan.sessions_per_cohort * present * share * ANSWERS_PER_SESSION_RESPONSE
        if lib.has_running:
            held = plan.sessions_per_cohort // 2
            total += held * present * RUNNING_RESPONSE_SHARE * ANSWERS_PER_SESSION_RESPONSE
    return total


def _spread(total: int, parts: int) -> list[int]:
    """``total`` split into ``parts`` whole numbers that differ by at most one (larger first)."""
    base, extra = divmod(total, parts)
    return [base + (1 if i < extra else 0) for i in range(parts)]


def _place(index: int) -> tuple[str, str, str, str, str]:
    """(slug, short, name, city, code) of the index-th scale library; past the list, numbered branches."""
    kind, place = PLACES[index % len(PLACES)]
    branch = index // len(PLACES)
    if kind == "Provinsi":
        name, city, short = "Dinas Perpustakaan dan Kearsipan Provinsi Jawa Timur", "Kota Surabaya", "prov-jatim"
    elif kind == "Proklamator":
        name, city, short = "Perpustakaan Proklamator Bung Karno", "Kota Blitar", "pp-bung-karno"
    else:
        name = f"Perpustakaan {kind} {place}"
        city = f"{kind} {place}"
        short = ("kab-" if kind == "Kabupaten" else "kota-") + place.lower().replace(" ", "-")
    if branch:
        name, short = f"{name} (Cabang {branch + 1})", f"{short}-{branch + 1}"
    return SLUG_PREFIX + short, short, name, city, ("JATIM-" + short).upper()


def plan_for(factor: float) -> Plan:
    if not factor > 0:
        raise ValueError("the factor must be positive")
    wanted = TARGETS["libraries"] * factor
    count = max(1, round(wanted))
    inside = min(1.0, wanted / count)  # below one library's worth, the library itself shrinks
    participants = _spread(max(12 * count, round(TARGETS["participants"] * factor)), count)
    cohorts = _spread(max(2 * count, round(TARGETS["cohorts"] * factor)), count)
    sessions = max(8, round(SESSIONS_PER_COHORT * inside))
    enrolled = max(10, round(ENROLLED_PER_COHORT * inside))
    test_cohorts = TARGETS["test_answers"] * factor / (2 * QUESTIONS_PER_TEST * min(enrolled, participants[-1]))
    tested = [min(c, n) for c, n in zip(cohorts, _spread(max(count, round(test_cohorts)), count), strict=True)]
    libraries = []
    for index in range(count):
        slug, short, name, city, code = _place(index)
        libraries.append(
            LibraryPlan(
                index=index,
                slug=slug,
                short=short,
                name=name,
                city=city,
                code=code,
                participants=participants[index],
                cohorts=cohorts[index],
                tested=max(1, tested[index]),
                has_running=index == 0,
            )
        )
    plan = Plan(factor, libraries, sessions, enrolled, 0.5)
    # the response share of the newest finished cohorts' session rounds fills the feedback budget
    target = TARGETS["feedback_answers"] * factor
    fixed = _feedback_estimate(plan, share=0.0)
    per_share = _feedback_estimate(plan, share=1.0) - fixed
    share = min(0.9, max(0.2, (target - fixed) / per_share)) if per_share else 0.5
    return Plan(factor, libraries, sessions, enrolled, share)
