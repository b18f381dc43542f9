"""Scale data, part three: tests and their answers, completion, certificates, and feedback."""

from __future__ import annotations

import json
import random
from collections import Counter, defaultdict
from collections.abc import Iterator
from datetime import datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.utils import timezone

from bench.scale.db import Writer
from bench.scale.delivery import COMPLETE, LOW_POST, CohortRow, at, token
from bench.scale.plan import COHORT_RESPONSE_SHARE, EMAIL_DOMAIN, RUNNING_RESPONSE_SHARE
from lentera.assessment.models import Answer as TestAnswer
from lentera.assessment.models import Attempt, CohortTest, CohortTestItem, CompletionOverride
from lentera.certificates.models import Certificate, NumberCounter
from lentera.certificates.numbering import render_number
from lentera.demo.certificates import DEMO_SITE
from lentera.demo.evaluation import TO_IMPROVE, USEFUL, WEAK
from lentera.demo.followup import NOTES, OBSTACLES
from lentera.evaluation.followup import FOLLOW_UP_WINDOW_DAYS
from lentera.evaluation.models import CohortFeedback, Comments, FormItem, Invitation, Survey, Tally
from lentera.evaluation.services import token_hash
from lentera.evaluation.tallies import sort_entries, values_of

COHORT_ROUND, FOLLOW_UP_ROUND = -1, -2  # in place of a session's index
FOLLOW_UP_DAYS = 75  # FeedbackSettings.follow_up_days by default
OFFLINE_REASON = "Lulus ujian akhir luring (sebelum tes daring dipakai)."
SUGGESTIONS = ["Contoh kasusnya diperbanyak.", "Tempo penyampaian sedikit diperlambat.", "Sangat jelas, terima kasih."]


# Tests ------------------------------------------------------------------------------------------


def build_tests(writer: Writer, cohorts: list[CohortRow], rng: random.Random) -> None:
    tested = [c for c in cohorts if c.tested]
    tests: list[CohortTest] = []
    for cohort in tested:
        kinds = ["pre"] if cohort.running else ["pre", "post"]
        for kind in kinds:
            title = ("Pre-test" if kind == "pre" else "Post-test") + f" {cohort.name}"
            tests.append(
                CohortTest(
                    library=cohort.lib.library, cohort_id=cohort.id, kind=kind, title=title, is_open=cohort.running
                )
            )
    tests = writer.bulk("tests", tests)
    by_cohort: dict[int, list[CohortTest]] = {}
    for test in tests:
        by_cohort.setdefault(test.cohort_id, []).append(test)
    writer.bulk(
        "test_items",
        [
            CohortTestItem(test_id=test.pk, question_id=q.id, order=n)
            for cohort in tested
            for test in by_cohort[cohort.id]
            for n, q in enumerate(cohort.lib.questions)
        ],
    )
    attempt_id = writer.next_id(Attempt)
    attempts: list[tuple[Any, ...]] = []
    answers: list[tuple[Any, ...]] = []
    for cohort in tested:
        questions = cohort.lib.questions
        total = len(questions)
        first = cohort.sessions[0].starts_at
        last = cohort.sessions[-1].ends_at
        for test in by_cohort[cohort.id]:
            for user_id in cohort.enrolled:
                if test.kind == "pre":
                    correct = rng.randint(2, 6)
                    started = first - timedelta(hours=rng.uniform(2, 40))
                elif cohort.outcome.get(user_id) == LOW_POST:
                    correct = rng.randint(2, 6)
                    started = last + timedelta(hours=rng.uniform(0.2, 30))
                else:
                    correct = rng.randint(7, total)
                    started = last + timedelta(hours=rng.uniform(0.2, 30))
                submitted = started + timedelta(minutes=rng.uniform(8, 25))
                right = set(rng.sample(range(total), correct))
                attempts.append(
                    (
                        attempt_id,
                        cohort.lib.library.pk,
                        test.pk,
                        user_id,
                        1,
                        writer.dt(started),
                        writer.dt(submitted),
                        correct,
                        total,
                        round(100 * correct / total, 2),
                    )
                )
                saved = writer.dt(submitted)
                for n, q in enumerate(questions):
                    good = n in right
                    if q.kind == "short":
                        chosen, text = "[]", q.accepted if good else "UDC"
                    else:
                        chosen, text = json.dumps(q.correct if good or q.wrong is None else [q.wrong]), ""
                    answers.append((attempt_id, q.id, chosen, text, good, saved))
                attempt_id += 1
    columns = [
        "id",
        "library_id",
        "test_id",
        "user_id",
        "number",
        "started_at",
        "submitted_at",
        "correct",
        "total",
        "score",
    ]
    with writer.without_indexes(Attempt, TestAnswer):
        writer.insert("attempts", Attempt, columns, attempts)
        writer.insert(
            "test_answers",
            TestAnswer,
            ["attempt_id", "question_id", "chosen", "text", "is_correct", "saved_at"],
            answers,
        )


def build_completion(writer: Writer, cohorts: list[CohortRow], rng: random.Random) -> None:
    """Certificates for everyone who completed a finished cohort; before online tests, by the coordinator's decision."""
    overrides: list[CompletionOverride] = []
    for cohort in cohorts:
        if cohort.running or cohort.tested:
            continue
        overrides.extend(
            CompletionOverride(
                library=cohort.lib.library,
                cohort_id=cohort.id,
                user_id=user_id,
                status=CompletionOverride.Status.COMPLETED,
                reason=OFFLINE_REASON,
            )
            for user_id in cohort.enrolled
            if cohort.outcome.get(user_id) == COMPLETE
        )
    writer.bulk("completion_overrides", overrides)
    base_url = (settings.SITE_URL or DEMO_SITE).rstrip("/")
    issued: list[tuple[datetime, str, CohortRow, int]] = []
    for cohort in cohorts:
        if cohort.running:
            continue
        moment = at(cohort.ends_on + timedelta(days=3), time(10, 0))
        people = cohort.lib.people
        for user_id in cohort.enrolled:
            if cohort.outcome.get(user_id) == COMPLETE:
                issued.append((moment, people[user_id][1], cohort, user_id))
    issued.sort(key=lambda row: (row[2].lib.plan.index, row[0], row[1], row[3]))
    counters: dict[tuple[int, int], int] = {}
    rows = []
    for moment, name, cohort, user_id in issued:
        lib = cohort.lib
        library = lib.library
        year = timezone.localtime(moment).year
        key = (library.pk, year)
        counters[key] = seq = counters.get(key, 0) + 1
        programme = lib.programmes[cohort.year]
        rows.append(
            (
                library.pk,
                cohort.id,
                user_id,
                render_number("{library}/{year}/{seq:04}", library_code=lib.plan.code, year=year, seq=seq),
                year,
                seq,
                token(rng),
                base_url,
                writer.dt(moment),
                lib.coordinator_id,
                None,
                "",
                None,
                None,
                name,
                lib.people[user_id][2],
                programme.programme.title,
                cohort.name,
                writer.day(cohort.starts_on),
                writer.day(cohort.ends_on),
                cohort.jp.get(user_id, 0),
                json.dumps(programme.competencies),
                library.name,
                library.city,
                library.head_name,
                library.head_nip,
                "",
                "",
                "",
            )
        )
    columns = [
        "library_id",
        "cohort_id",
        "user_id",
        "number",
        "year",
        "seq",
        "token",
        "base_url",
        "issued_at",
        "issued_by_id",
        "revoked_at",
        "revoked_reason",
        "revoked_by_id",
        "replaces_id",
        "participant_name",
        "participant_nip",
        "programme_title",
        "cohort_name",
        "starts_on",
        "ends_on",
        "jp",
        "competencies",
        "library_name",
        "library_city",
        "head_name",
        "head_nip",
        "title_text",
        "logo_file",
        "signature_file",
    ]
    writer.insert("certificates", Certificate, columns, rows)
    writer.bulk(
        "number_counters",
        [NumberCounter(library_id=lib, year=year, last=last) for (lib, year), last in sorted(counters.items())],
    )


# Feedback ---------------------------------------------------------------------------------------


class Answers:
    """One response's answers (item, instructor, rating, n/a, choices as JSON, text, review), which
    ``build_feedback`` adds to its round's aggregates the way ``response_submit`` does."""

    LIKERT, SINGLE, LONG, SHORT = range(4)

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.specs: dict[int, list[tuple[Any, ...]]] = {}

    def _spec(self, items: list[FormItem]) -> list[tuple[Any, ...]]:
        """(item id, kind, allows n/a, weak item, instructor item, options as JSON, comment pool) per item."""
        found = self.specs.get(id(items))
        if found is None:
            kinds: dict[str, int] = {
                FormItem.Kind.LIKERT: self.LIKERT,
                FormItem.Kind.SINGLE: self.SINGLE,
                FormItem.Kind.LONG_TEXT: self.LONG,
                FormItem.Kind.SHORT_TEXT: self.SHORT,
            }
            found = []
            for item in items:
                if item.kind not in kinds:
                    continue
                if item.kind == FormItem.Kind.SHORT_TEXT:
                    pool = SUGGESTIONS
                elif "menghambat" in item.text:  # the follow-up's obstacles
                    pool = OBSTACLES
                elif item.dimension == "application":  # the supervisor's note
                    pool = NOTES
                else:
                    pool = TO_IMPROVE if ("perbaik" in item.text or "diubah" in item.text) else USEFUL
                options = [json.dumps([option]) for option in item.options]
                found.append(
                    (
                        item.pk,
                        kinds[item.kind],
                        item.allows_not_applicable,
                        item.text.startswith(WEAK),
                        item.dimension == "instructor",
                        options,
                        pool,
                    )
                )
            self.specs[id(items)] = found
        return found

    def rows(
        self, response: Any, items: list[FormItem], *, skill: float, instructor: int | None, reviewed: bool
    ) -> Iterator[tuple[Any, ...]]:
        rng = self.rng
        shown, pending = Comments.Review.SHOWN.value, Comments.Review.PENDING.value
        for item_id, kind, allows_na, weak, about_instructor, options, pool in self._spec(items):
            rating, na, choices, text = None, False, "[]", ""
            if kind == self.LIKERT:
                if allows_na and rng.random() < 0.02:
                    na = True
                else:
                    rating = max(1, min(5, round(rng.gauss(3.0 if weak else skill, 0.8))))
            elif kind == self.SINGLE:
                choices = options[int(rng.random() * len(options))]
            else:
                if rng.random() >= (0.35 if kind == self.LONG else 0.25):
                    continue
                text = pool[int(rng.random() * len(pool))]
            review = shown if (reviewed or not text) else pending
            yield (response, item_id, instructor if about_instructor else None, rating, na, choices, text, review)


def build_feedback(writer: Writer, cohorts: list[CohortRow], now: datetime, share: float, rng: random.Random) -> None:
    writer.bulk("cohort_feedback", [CohortFeedback(cohort_id=c.id, is_anonymous=True) for c in cohorts])
    surveys: list[Survey] = []
    # per survey: (cohort, index of its session); COHORT_ROUND or FOLLOW_UP_ROUND for the cohort's rounds
    specs: list[tuple[CohortRow, int]] = []
    for cohort in cohorts:
        library = cohort.lib.library
        if cohort.session_feedback:
            for i, session in enumerate(cohort.sessions):
                if not session.held:
                    continue
                surveys.append(
                    Survey(
                        library=library,
                        cohort_id=cohort.id,
                        session_id=session.id,
                        kind=Survey.Kind.SESSION,
                        opens_at=session.ends_at,
                        closes_at=session.ends_at + timedelta(hours=72),
                        is_anonymous=True,
                    )
                )
                specs.append((cohort, i))
        if not cohort.running:
            last = cohort.sessions[-1]
            surveys.append(
                Survey(
                    library=library,
                    cohort_id=cohort.id,
                    kind=Survey.Kind.COHORT,
                    opens_at=last.ends_at,
                    closes_at=last.ends_at + timedelta(days=7),
                    is_anonymous=True,
                )
            )
            specs.append((cohort, COHORT_ROUND))
        if cohort.follow_up:
            opens = at(cohort.ends_on + timedelta(days=FOLLOW_UP_DAYS), time(8, 0))
            surveys.append(
                Survey(
                    library=library,
                    cohort_id=cohort.id,
                    kind=Survey.Kind.FOLLOW_UP,
                    opens_at=opens,
                    closes_at=opens + timedelta(days=FOLLOW_UP_WINDOW_DAYS),
                    is_anonymous=True,
                    reminded_at=opens + timedelta(days=FOLLOW_UP_WINDOW_DAYS - 1),
                )
            )
            specs.append((cohort, FOLLOW_UP_ROUND))
    surveys = writer.bulk("surveys", surveys)
    through = Survey.forms.through
    links: list[Any] = []
    for survey, (cohort, index) in zip(surveys, specs, strict=True):
        kinds = {COHORT_ROUND: ["cohort"], FOLLOW_UP_ROUND: ["follow_up", "supervisor"]}.get(
            index, ["session", "instructor"]
        )
        links.extend(through(survey_id=survey.pk, feedbackform_id=cohort.lib.forms[k].pk) for k in kinds)
    writer.bulk("survey_forms", links)

    invitations: list[tuple[Any, ...]] = []
    responses: list[tuple[Any, ...]] = []
    jobs: list[tuple[Any, list[FormItem], float, int | None, bool]] = []  # what each response answers
    rounds: dict[int, list[tuple[str, list[FormItem], int | None]]] = {}  # who answers what, per round
    participant = Invitation.Role.PARTICIPANT.value
    for survey, (cohort, index) in zip(surveys, specs, strict=True):
        lib = cohort.lib
        bench = lib.participant_ids[0]
        still_open = survey.closes_at > now
        if index == FOLLOW_UP_ROUND:
            rounds[survey.pk] = [
                (participant, lib.items["follow_up"], None),
                (Invitation.Role.SUPERVISOR.value, lib.items["supervisor"], None),
            ]
            _follow_up(survey, cohort, rng, invitations, responses, jobs)
            continue
        if index == COHORT_ROUND:
            invited = cohort.enrolled
            answer_share = COHORT_RESPONSE_SHARE
            items = lib.items["cohort"]
            instructor = None
        else:
            invited = [u for u in cohort.enrolled if index in cohort.attended.get(u, set())]
            answer_share = RUNNING_RESPONSE_SHARE if cohort.running else share
            items = lib.items["session+instructor"]
            instructor = cohort.sessions[index].instructor_id
        rounds[survey.pk] = [(participant, items, instructor)]
        for user_id in invited:
            # the benchmark participant still has the running cohort's open rounds to answer
            answers = rng.random() < answer_share and not (still_open and user_id == bench)
            invitations.append((survey.pk, user_id, participant, None, "", "", answers, False))
            if not answers:
                continue
            # a random key and a moment were drawn here when responses were rows; still drawn, so the
            # rest of the data set stays the same, but nothing of them is stored
            rng.getrandbits(128)
            rng.uniform(0.02, 0.9)
            responses.append((survey.pk, participant))
            jobs.append((survey.pk, items, rng.uniform(3.6, 4.5), instructor, not cohort.running))
    # each response added to its round's counters and comment lists, as response_submit does
    answer_maker = Answers(rng)
    counts: dict[tuple[int, str, int, int | None, str], int] = defaultdict(int)
    texts: dict[tuple[int, str, int, int | None], list[list[str]]] = defaultdict(list)
    for (survey_id, role), (_survey, items, skill, instructor, reviewed) in zip(responses, jobs, strict=True):
        for _r, item_id, about, rating, na, choices, text, review in answer_maker.rows(
            survey_id, items, skill=skill, instructor=instructor, reviewed=reviewed
        ):
            if text:
                texts[(survey_id, role, item_id, about)].append([text, review])
                continue
            for value in [Tally.NOT_APPLICABLE] if na else [str(rating)] if rating else json.loads(choices):
                counts[(survey_id, role, item_id, about, value)] += 1
    # the plan's "feedback answers" are answers given, now counted into the aggregates, not rows
    writer.answers_counted = sum(counts.values()) + sum(len(v) for v in texts.values())
    answered = Counter(responses)
    for survey in surveys:
        survey.participant_responses = answered[(survey.pk, participant)]
        survey.supervisor_responses = answered[(survey.pk, Invitation.Role.SUPERVISOR.value)]
    Survey.objects.bulk_update(surveys, ["participant_responses", "supervisor_responses"], batch_size=1000)

    def tally_rows() -> Iterator[tuple[Any, ...]]:  # every round's counters, in the order of its form
        for survey_id, answering in rounds.items():
            for role, items, instructor in answering:
                for item in items:
                    about = instructor if item.dimension == "instructor" else None
                    for value in values_of(item):
                        yield (
                            survey_id,
                            role,
                            item.pk,
                            about,
                            value,
                            counts.get((survey_id, role, item.pk, about, value), 0),
                        )

    def comment_rows() -> Iterator[tuple[Any, ...]]:
        for survey_id, answering in rounds.items():
            for role, items, instructor in answering:
                for item in items:
                    if item.is_text:
                        about = instructor if item.dimension == "instructor" else None
                        entries = sort_entries(texts.get((survey_id, role, item.pk, about), []))
                        yield (survey_id, role, item.pk, about, json.dumps(entries))

    with writer.without_indexes(Invitation, Tally, Comments):
        writer.insert(
            "invitations",
            Invitation,
            ["survey_id", "user_id", "role", "about_id", "email", "token_hash", "answered", "reminded"],
            invitations,
        )
        columns = ["survey_id", "role", "item_id", "instructor_id"]
        writer.insert("feedback_tallies", Tally, [*columns, "value", "count"], tally_rows())
        writer.insert("feedback_comment_lists", Comments, [*columns, "entries"], comment_rows())


def _follow_up(
    survey: Survey,
    cohort: CohortRow,
    rng: random.Random,
    invitations: list[tuple[Any, ...]],
    responses: list[tuple[Any, ...]],
    jobs: list[tuple[Any, list[FormItem], float, int | None, bool]],
) -> None:
    """The follow-up round as ``follow_up_open`` and ``supervisor_invite`` leave it, answered and closed."""
    lib = cohort.lib
    participant, supervisor = Invitation.Role.PARTICIPANT.value, Invitation.Role.SUPERVISOR.value

    def respond(role: str, items: list[FormItem], skill: float, start: float) -> None:
        rng.getrandbits(128)  # the key and moment of a response row once: drawn, not stored (see above)
        rng.uniform(start, 0.9)
        responses.append((survey.pk, role))
        jobs.append((survey.pk, items, skill, None, True))

    for user_id in cohort.enrolled:
        answered = rng.random() < COHORT_RESPONSE_SHARE
        invitations.append((survey.pk, user_id, participant, None, "", "", answered, not answered))
        if answered:
            respond(participant, lib.items["follow_up"], rng.uniform(3.4, 4.3), 0.02)
        if rng.random() < COHORT_RESPONSE_SHARE:  # the coordinator had the supervisor's address
            answered = rng.random() < COHORT_RESPONSE_SHARE
            email = f"atasan.{lib.people[user_id][0].split('.')[-1]}@{lib.plan.short}.{EMAIL_DOMAIN}"
            digest = token_hash(f"{rng.getrandbits(96):024x}")
            invitations.append((survey.pk, None, supervisor, user_id, email, digest, answered, not answered))
            if answered:
                respond(supervisor, lib.items["supervisor"], rng.uniform(3.1, 4.1), 0.1)
