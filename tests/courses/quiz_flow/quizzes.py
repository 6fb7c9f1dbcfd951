"""Quizzes shared by the flow tests.

``every_type_quiz`` holds one question of each type (descriptions included),
each carrying distinctive marker strings in every kind of feedback and in the
right answers, so a test can tell exactly what a page discloses.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from courses.models import QuizPage
from tests.factories import (
    Slot,
    build_quiz,
    description_question,
    essay_question,
    matching_question,
    multichoice_question,
    numerical_question,
    ordering_question,
    shortanswer_question,
    truefalse_question,
)


def _cf(prefix: str) -> dict:
    return {
        "feedback_correct": f"QZCF_{prefix}_OK",
        "feedback_partial": f"QZCF_{prefix}_PART",
        "feedback_incorrect": f"QZCF_{prefix}_BAD",
    }


#: Texts shown on the attempt page (never secret).
MCS_CHOICES = ["Громада", "Область", "Держава"]
MCM_CHOICES = ["Жовтий", "Червоний", "Бежевий", "Синій"]
MATCH_PAIRS = [("Київ", "Україна"), ("Варшава", "Польща"), ("Прага", "Чехія")]
MATCH_DISTRACTOR = "Угорщина"
ORDER_ITEMS = ["Ініціатива", "Обговорення", "Голосування", "Реалізація"]

#: Right answers that only the review may show.
RIGHT_ANSWER_MARKERS = [
    "RIGHTSAQX",
    "73519.25",
    "Київ → Україна",
    " → ".join(ORDER_ITEMS),
    "question__right",
]
GENERAL_FEEDBACK_MARKERS = [
    "QZGF_DESC",
    "QZGF_MCS",
    "QZGF_MCM",
    "QZGF_TF",
    "QZGF_SA",
    "QZGF_NUM",
    "QZGF_MATCH",
    "QZGF_ORD",
    "QZGF_ESSAY",
]
#: Specific and combined feedback of every possible outcome.
SPECIFIC_FEEDBACK_MARKERS = [
    "QZFB_MCS_1",
    "QZFB_MCS_2",
    "QZFB_MCS_3",
    *[f"QZFB_MCM_{c}" for c in ("YEL", "RED", "BEI", "BLU")],
    "QZFB_TF_RIGHT",
    "QZFB_TF_WRONG",
    "QZFB_SA_RIGHT",
    "QZFB_SA_ANY",
    "QZFB_NUM_OK",
    "QZFB_NUM_ANY",
    *[
        f"QZCF_{q}_{s}"
        for q in ("MCS", "MCM", "SA", "NUM", "MATCH", "ORD")
        for s in ("OK", "PART", "BAD")
    ],
]
BAND_MARKERS = ["QZBAND_LOW", "QZBAND_MID", "QZBAND_HIGH"]
NEVER_SHOWN = ["QZGRADERINFO"]
ALL_MARKERS = [
    *RIGHT_ANSWER_MARKERS,
    *GENERAL_FEEDBACK_MARKERS,
    *SPECIFIC_FEEDBACK_MARKERS,
    *BAND_MARKERS,
    *NEVER_SHOWN,
]


@dataclass
class EveryTypeQuiz:
    quiz: QuizPage
    questions: dict = field(default_factory=dict)

    #: Positions (slot order; no question shuffle).
    DESC, MCS, MCM, TF, SA, NUM, MATCH, ORD, ESSAY = range(9)

    def bank_ids(self) -> list[str]:
        """The bank ids (``c<pk>``, ``p<pk>``, ``i<pk>``) of every child."""
        q = self.questions
        return [
            *[f"c{c.pk}" for c in q["mcs"].choices.all()],
            *[f"c{c.pk}" for c in q["mcm"].choices.all()],
            *[f"p{p.pk}" for p in q["match"].pairs.all()],
            *[f"i{i.pk}" for i in q["ord"].items.all()],
        ]


def every_type_quiz(module, *, essay: bool = True, **fields) -> EveryTypeQuiz:
    """One question of each type, one per page, free navigation."""
    questions = {
        "desc": description_question(
            text="<p>Прочитайте уважно.</p>", general_feedback="<p>QZGF_DESC</p>"
        ),
        "mcs": multichoice_question(
            choices=[
                (MCS_CHOICES[0], 1, "QZFB_MCS_1"),
                (MCS_CHOICES[1], 0.5, "QZFB_MCS_2"),
                (MCS_CHOICES[2], 0, "QZFB_MCS_3"),
            ],
            general_feedback="<p>QZGF_MCS</p>",
            default_mark=2,
            **_cf("MCS"),
        ),
        "mcm": multichoice_question(
            single=False,
            choices=[
                (MCM_CHOICES[0], 0.5, "QZFB_MCM_YEL"),
                (MCM_CHOICES[1], -1, "QZFB_MCM_RED"),
                (MCM_CHOICES[2], 0.5, "QZFB_MCM_BEI"),
                (MCM_CHOICES[3], -1, "QZFB_MCM_BLU"),
            ],
            general_feedback="<p>QZGF_MCM</p>",
            **_cf("MCM"),
        ),
        "tf": truefalse_question(
            correct=True,
            feedback_right="QZFB_TF_RIGHT",
            feedback_wrong="QZFB_TF_WRONG",
            general_feedback="<p>QZGF_TF</p>",
        ),
        "sa": shortanswer_question(
            answers=[("RIGHTSAQX", 1, "QZFB_SA_RIGHT"), ("*", 0, "QZFB_SA_ANY")],
            general_feedback="<p>QZGF_SA</p>",
            **_cf("SA"),
        ),
        "num": numerical_question(
            answers=[
                {"value": "73519.25", "tolerance": "0.5", "feedback": "QZFB_NUM_OK"},
                {"catch_all": True, "fraction": 0, "feedback": "QZFB_NUM_ANY"},
            ],
            general_feedback="<p>QZGF_NUM</p>",
            **_cf("NUM"),
        ),
        "match": matching_question(
            pairs=[*MATCH_PAIRS, ("", MATCH_DISTRACTOR)],
            general_feedback="<p>QZGF_MATCH</p>",
            default_mark=2,
            **_cf("MATCH"),
        ),
        "ord": ordering_question(
            items=ORDER_ITEMS,
            general_feedback="<p>QZGF_ORD</p>",
            **_cf("ORD"),
        ),
    }
    if essay:
        questions["essay"] = essay_question(
            general_feedback="<p>QZGF_ESSAY</p>",
            grader_info="QZGRADERINFO",
            default_mark=2,
        )
    fields.setdefault("questions_per_page", 1)
    quiz = build_quiz(
        module=module,
        slots=[Slot(question=q) for q in questions.values()],
        bands=[(0, "QZBAND_LOW"), (50, "QZBAND_MID"), (90, "QZBAND_HIGH")],
        **fields,
    )
    return EveryTypeQuiz(quiz=quiz, questions=questions)


# --- answering through the views -------------------------------------------------------


def ordering_ids(page, position: int) -> dict[str, str]:
    """Item text -> opaque id, as the ordering list on ``page`` shows them."""
    import re

    found = re.findall(
        rf'name="q{position}-order" value="([^"]+)">\s*'
        r'<span class="ordering__text">([^<]+)</span>',
        page.html,
    )
    assert found, f"no ordering list for q{position}"
    return {text: item_id for item_id, text in found}


def mediocre_answers(page, position: int) -> dict:
    """A weak but complete set of answers, one question per page: the fields
    to post for the question at ``position`` of ``every_type_quiz``."""
    p, q = position, EveryTypeQuiz
    if p == q.MCS:
        return {f"q{p}-choice": page.value_for_label(f"q{p}-choice", MCS_CHOICES[1])}
    if p == q.MCM:
        return {
            f"q{p}-choices": [
                page.value_for_label(f"q{p}-choices", MCM_CHOICES[0]),
                page.value_for_label(f"q{p}-choices", MCM_CHOICES[3]),
            ]
        }
    if p == q.TF:
        return {f"q{p}-value": "false"}
    if p == q.SA:
        return {f"q{p}-text": "моя відповідь"}
    if p == q.NUM:
        return {f"q{p}-text": "1"}
    if p == q.MATCH:
        kyiv = page.select_named(f"q{p}-match-", MATCH_PAIRS[0][0])
        warsaw = page.select_named(f"q{p}-match-", MATCH_PAIRS[1][0])
        return {kyiv.name: MATCH_PAIRS[0][1], warsaw.name: MATCH_PAIRS[2][1]}
    if p == q.ORD:
        ids = ordering_ids(page, p)
        return {f"q{p}-order": [ids[t] for t in reversed(ORDER_ITEMS)]}
    if p == q.ESSAY:
        return {f"q{p}-text": "QZLEARNERESSAY про громаду"}
    return {}


def best_answers(page, position: int) -> dict:
    """Full marks for every auto-graded question of ``every_type_quiz``."""
    p, q = position, EveryTypeQuiz
    if p == q.MCS:
        return {f"q{p}-choice": page.value_for_label(f"q{p}-choice", MCS_CHOICES[0])}
    if p == q.MCM:
        return {
            f"q{p}-choices": [
                page.value_for_label(f"q{p}-choices", MCM_CHOICES[0]),
                page.value_for_label(f"q{p}-choices", MCM_CHOICES[2]),
            ]
        }
    if p == q.TF:
        return {f"q{p}-value": "true"}
    if p == q.SA:
        return {f"q{p}-text": "  rightsaqx "}
    if p == q.NUM:
        return {f"q{p}-text": "73519,5"}
    if p == q.MATCH:
        return {
            page.select_named(f"q{p}-match-", stem).name: answer
            for stem, answer in MATCH_PAIRS
        }
    if p == q.ORD:
        ids = ordering_ids(page, p)
        return {f"q{p}-order": [ids[t] for t in ORDER_ITEMS]}
    if p == q.ESSAY:
        return {f"q{p}-text": "Громада вирішує сама."}
    return {}
