"""Tables for every rollup formula, with the arithmetic written in each case, plus properties."""

import json
import time
from decimal import Decimal as D
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from okr.rollup import rules as rollup
from okr.rollup.rules import (
    GoalIn,
    KRIn,
    ObjectiveIn,
    ProjectIn,
    TeamIn,
    evaluate,
    kr_progress,
    kr_progress_from_projects,
    kr_score,
    met,
    objective_score,
    project_progress,
    project_progress_from_tasks,
    score_band,
    status,
    weighted_mean,
)

# --- kr_progress -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "target", "current", "kind", "done", "expected"),
    [
        pytest.param(1000, 1300, 1080, "metric", False, D("0.2667"), id="increasing (1080-1000)/(1300-1000)=80/300"),
        pytest.param(0, 10, 5, "metric", False, D("0.5"), id="increasing (5-0)/(10-0)=0.5"),
        pytest.param(D(8), D(5), D("6.2"), "percent", False, D("0.6"), id="decreasing churn (6.2-8)/(5-8)=0.6"),
        pytest.param(100, 40, 70, "metric", False, D("0.5"), id="decreasing (70-100)/(40-100)=0.5"),
        pytest.param(0, 10, 15, "metric", False, D(1), id="past target (15-0)/(10-0)=1.5 clamped 1"),
        pytest.param(8, 5, 4, "percent", False, D(1), id="decreasing past target (4-8)/(5-8)=1.33 clamped 1"),
        pytest.param(10, 20, 5, "metric", False, D(0), id="below start (5-10)/(20-10)=-0.5 clamped 0"),
        pytest.param(8, 5, 9, "percent", False, D(0), id="decreasing wrong way (9-8)/(5-8)=-0.33 clamped 0"),
        pytest.param(10, 20, 20, "metric", False, D(1), id="exactly at target (20-10)/(20-10)=1"),
        pytest.param(10, 20, 10, "metric", False, D(0), id="exactly at start (10-10)/(20-10)=0"),
        pytest.param(0, 0, 0, "metric", False, D(1), id="target=start, current=target -> 1"),
        pytest.param(0, 0, 2, "metric", False, D(0), id="target=start, current above -> 0"),
        pytest.param(5, 5, 4, "metric", False, D(0), id="target=start, current below -> 0"),
        pytest.param(5, 5, None, "metric", False, D(1), id="target=start, no check-in: current=start=target -> 1"),
        pytest.param(0, 10, None, "metric", False, D(0), id="no check-in: current=start (0-0)/10=0"),
        pytest.param(8, 5, None, "percent", False, D(0), id="no check-in decreasing: (8-8)/(5-8)=0"),
        pytest.param(None, None, None, "milestone", True, D(1), id="milestone done=1"),
        pytest.param(None, None, None, "milestone", False, D(0), id="milestone not done=0"),
        pytest.param(0, 10, 10, "milestone", False, D(0), id="milestone ignores current: not done=0"),
        pytest.param(0, 10, 5, "metric", True, D("0.5"), id="metric ignores done: 5/10=0.5"),
        pytest.param("0", "10", "2.5", "metric", False, D("0.25"), id="strings read exactly 2.5/10=0.25"),
        pytest.param(0, 1, 0.7, "metric", False, D("0.7"), id="float read by repr 0.7/1=0.7"),
        pytest.param(-10, 10, 0, "metric", False, D("0.5"), id="negative start (0+10)/(10+10)=0.5"),
    ],
)
def test_kr_progress(start, target, current, kind, done, expected):
    got = kr_progress(start, target, current, kind=kind, done=done)
    assert isinstance(got, D)
    assert got.quantize(D("0.0001")) == expected.quantize(D("0.0001"))


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        pytest.param({"start": 0, "target": 1, "current": 0, "kind": "vibes"}, ValueError, id="unknown kind"),
        pytest.param({"start": D("NaN"), "target": 1, "current": 0}, ValueError, id="NaN start"),
        pytest.param({"start": 0, "target": D("Infinity"), "current": 0}, ValueError, id="infinite target"),
        pytest.param({"start": 0, "target": 1, "current": float("nan")}, ValueError, id="float NaN current"),
        pytest.param({"start": 0, "target": 1, "current": "lots"}, ValueError, id="unreadable string"),
        pytest.param({"start": None, "target": 1, "current": 0}, TypeError, id="metric without start"),
        pytest.param({"start": 0, "target": True, "current": 0}, TypeError, id="bool is not a number"),
        pytest.param({"start": 0, "target": [1], "current": 0}, TypeError, id="list is not a number"),
    ],
)
def test_kr_progress_rejects(kwargs, error):
    kind = kwargs.pop("kind", "metric")
    with pytest.raises(error):
        kr_progress(**kwargs, kind=kind)


def test_kr_progress_ignores_caller_decimal_context():
    import decimal

    third = D(1) / D(3)  # 28 digits in the default context
    with decimal.localcontext() as ctx:
        ctx.prec = 2
        assert kr_progress(0, 3, 1) == third


# --- projects ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("done", "live", "kwargs", "expected"),
    [
        pytest.param(3, 4, {}, D("0.75"), id="3 done / 4 live = 0.75"),
        pytest.param(0, 4, {}, D(0), id="0/4 = 0"),
        pytest.param(4, 4, {}, D(1), id="4/4 = 1"),
        pytest.param(0, 0, {}, None, id="no live tasks -> None"),
        pytest.param(D(1), D(2), {}, D("0.5"), id="integral Decimal counts 1/2 = 0.5"),
        pytest.param(
            1,
            4,
            {"done_estimate": 6, "live_estimate": 8, "by_estimate": True},
            D("0.75"),
            id="by estimate 6/8 = 0.75 (count would be 1/4)",
        ),
        pytest.param(
            1, 4, {"done_estimate": 6, "live_estimate": 8}, D("0.25"), id="estimates given but not asked: 1/4 = 0.25"
        ),
        pytest.param(1, 4, {"by_estimate": True}, D("0.25"), id="asked but no estimates: 1/4 = 0.25"),
        pytest.param(
            1,
            4,
            {"done_estimate": 0, "live_estimate": 0, "by_estimate": True},
            D("0.25"),
            id="estimates total 0: by count 1/4 = 0.25",
        ),
        pytest.param(
            2, 4, {"live_estimate": D("5"), "by_estimate": True}, D(0), id="missing done estimate counts 0: 0/5 = 0"
        ),
        pytest.param(
            0,
            0,
            {"done_estimate": 1, "live_estimate": 2, "by_estimate": True},
            None,
            id="no live tasks wins over estimates -> None",
        ),
    ],
)
def test_project_progress(done, live, kwargs, expected):
    assert project_progress(done, live, **kwargs) == expected


@pytest.mark.parametrize(
    ("done", "live", "kwargs", "error"),
    [
        pytest.param(5, 4, {}, ValueError, id="done > live"),
        pytest.param(-1, 4, {}, ValueError, id="negative done"),
        pytest.param(1, 4.0, {}, TypeError, id="float count"),
        pytest.param(True, 4, {}, TypeError, id="bool count"),
        pytest.param(
            1,
            4,
            {"done_estimate": 9, "live_estimate": 8, "by_estimate": True},
            ValueError,
            id="done estimate > live estimate",
        ),
        pytest.param(
            1, 4, {"done_estimate": -1, "live_estimate": 8, "by_estimate": True}, ValueError, id="negative estimate"
        ),
    ],
)
def test_project_progress_rejects(done, live, kwargs, error):
    with pytest.raises(error):
        project_progress(done, live, **kwargs)


@pytest.mark.parametrize(
    ("tasks", "by_estimate", "expected"),
    [
        pytest.param(
            [("done", None)] * 3 + [("todo", None)] + [("dropped", None)] * 2,
            False,
            D("0.75"),
            id="3 done of 4 live (2 dropped) = 0.75",
        ),
        pytest.param([("done", None), ("doing", None)], False, D("0.5"), id="doing is live: 1/2 = 0.5"),
        pytest.param([("dropped", None)], False, None, id="only dropped -> None"),
        pytest.param([], False, None, id="no tasks -> None"),
        pytest.param(
            [("done", D(3)), ("todo", D(1)), ("dropped", D(100))],
            True,
            D("0.75"),
            id="by estimate 3/(3+1) = 0.75, dropped estimate ignored",
        ),
        pytest.param(
            [("done", D(3)), ("todo", None)], True, D("0.5"), id="a live task without estimate: by count 1/2 = 0.5"
        ),
        pytest.param(
            [("done", D(3)), ("todo", D(1)), ("dropped", None)],
            True,
            D("0.75"),
            id="dropped task without estimate does not matter: 3/4 = 0.75",
        ),
        pytest.param([("done", D(3)), ("todo", D(1))], False, D("0.5"), id="not asked: by count 1/2"),
    ],
)
def test_project_progress_from_tasks(tasks, by_estimate, expected):
    assert project_progress_from_tasks(tasks, by_estimate=by_estimate) == expected


def test_project_progress_from_tasks_rejects_unknown_status():
    with pytest.raises(ValueError, match="archived"):
        project_progress_from_tasks([("archived", None)])


@pytest.mark.parametrize(
    ("progresses", "expected"),
    [
        pytest.param([D("0.75"), D("0.5")], D("0.625"), id="(0.75 + 0.5) / 2 = 0.625"),
        pytest.param([D("0.75"), None, D("0.5")], D("0.625"), id="None skipped: (0.75 + 0.5) / 2"),
        pytest.param([None, None], None, id="only projects without live tasks -> None"),
        pytest.param([], None, id="no projects -> None"),
        pytest.param([D(1)], D(1), id="one project 1/1 = 1"),
        pytest.param(iter([D("0.2"), D("0.4"), D("0.9")]), D("0.5"), id="iterator (0.2+0.4+0.9)/3 = 0.5"),
    ],
)
def test_kr_progress_from_projects(progresses, expected):
    assert kr_progress_from_projects(progresses) == expected


# --- weighted mean ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("pairs", "expected"),
    [
        pytest.param([(D("0.5"), 2), (D("0.8"), 1)], D("0.6"), id="(0.5x2 + 0.8x1) / 3 = 0.6"),
        pytest.param([(D("0.5"), 1), (D("0.8"), 0)], D("0.5"), id="weight 0 left out: 0.5x1 / 1"),
        pytest.param([(D("0.5"), 0), (D("0.8"), 0)], None, id="all weights 0 -> None"),
        pytest.param([(None, 3), (D("0.4"), 1)], D("0.4"), id="None progress left out: 0.4x1 / 1"),
        pytest.param([(None, 1)], None, id="only None -> None"),
        pytest.param([], None, id="empty -> None"),
        pytest.param(
            [(D("0.3"), D("0.5")), (D("0.9"), D("1.5"))], D("0.75"), id="fractional weights (0.15 + 1.35) / 2 = 0.75"
        ),
        pytest.param([(D(1), 1), (D(0), 1), (D(0), 1)], D(1) / D(3), id="(1+0+0)/3 = 0.333..."),
    ],
)
def test_weighted_mean(pairs, expected):
    assert weighted_mean(pairs) == expected


def test_weighted_mean_rejects_negative_weight_even_when_left_out():
    with pytest.raises(ValueError, match="negative"):
        weighted_mean([(D("0.5"), 1), (None, -1)])


# --- status ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("progress", "expected", "confidence", "result"),
    [
        pytest.param(D("0.5"), D("0.5"), None, "on_track", id="0.5 >= 0.5-0.10: on track"),
        pytest.param(D("0.40"), D("0.5"), None, "on_track", id="boundary 0.40 = 0.5-0.10: on track"),
        pytest.param(D("0.3999"), D("0.5"), None, "at_risk", id="0.3999 < 0.40: at risk"),
        pytest.param(D("0.25"), D("0.5"), None, "at_risk", id="boundary 0.25 = 0.5-0.25: at risk"),
        pytest.param(D("0.2499"), D("0.5"), None, "off_track", id="0.2499 < 0.25: off track"),
        pytest.param(D(0), D(0), None, "on_track", id="start of period 0 >= 0-0.10: on track"),
        pytest.param(D("0.75"), D(1), None, "at_risk", id="period over 0.75 = 1-0.25: at risk"),
        pytest.param(D("0.7499"), D(1), None, "off_track", id="period over 0.7499 < 1-0.25: off track"),
        pytest.param(D("0.9"), D(1), None, "on_track", id="period over 0.9 = 1-0.10: on track"),
        pytest.param(None, D("0.5"), None, "no_data", id="no progress: no data"),
        pytest.param(None, D("0.5"), D("0.1"), "no_data", id="no progress with confidence: no data"),
        pytest.param(D("0.5"), D("0.5"), D("0.4"), "on_track", id="confidence boundary 0.4: unchanged"),
        pytest.param(D("0.5"), D("0.5"), D("0.3999"), "at_risk", id="confidence 0.3999 < 0.4: at risk"),
        pytest.param(D("0.5"), D("0.5"), D("0.2"), "at_risk", id="confidence boundary 0.2: at risk"),
        pytest.param(D("0.5"), D("0.5"), D("0.1999"), "off_track", id="confidence 0.1999 < 0.2: off track"),
        pytest.param(D("0.3"), D("0.5"), D("0.1"), "off_track", id="at-risk pace + confidence 0.1: off track"),
        pytest.param(D("0.1"), D("0.5"), D("0.9"), "off_track", id="high confidence cannot lift off track"),
        pytest.param(0.5, 0.5, 0.3, "at_risk", id="floats read by repr"),
    ],
)
def test_status(progress, expected, confidence, result):
    assert status(progress, expected, confidence) == result


def test_thresholds_are_named_constants():
    assert rollup.ON_TRACK_MARGIN == D("0.10")
    assert rollup.AT_RISK_MARGIN == D("0.25")
    assert rollup.CONFIDENCE_AT_RISK == D("0.4")
    assert rollup.CONFIDENCE_OFF_TRACK == D("0.2")


# --- scores ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("progress", "override", "expected"),
    [
        pytest.param(D("0.6"), None, D("0.6"), id="score = progress 0.6"),
        pytest.param(D("0.6"), D("0.8"), D("0.8"), id="override 0.8 wins"),
        pytest.param(D("0.6"), D(0), D(0), id="override 0 wins"),
        pytest.param(D("0.6"), D("1.5"), D(1), id="override 1.5 clamped to 1"),
        pytest.param(D("0.6"), D("-0.2"), D(0), id="override -0.2 clamped to 0"),
        pytest.param(None, None, D(0), id="no progress scores 0"),
        pytest.param(None, D("0.5"), D("0.5"), id="no progress, override 0.5"),
    ],
)
def test_kr_score(progress, override, expected):
    assert kr_score(progress, override) == expected


@pytest.mark.parametrize(
    ("pairs", "expected"),
    [
        pytest.param([(D("0.7"), 1), (D("0.4"), 2)], D("0.5"), id="(0.7x1 + 0.4x2) / 3 = 0.5"),
        pytest.param([(D("0.7"), 1), (D("0.1"), 0)], D("0.7"), id="weight 0 KR left out: 0.7"),
        pytest.param([], None, id="no KRs -> None"),
    ],
)
def test_objective_score(pairs, expected):
    assert objective_score(pairs) == expected


@pytest.mark.parametrize(
    ("score", "committed", "band", "is_met"),
    [
        pytest.param(D("0.3999"), False, "red", False, id="aspirational 0.3999 < 0.4 red"),
        pytest.param(D("0.4"), False, "yellow", False, id="aspirational 0.4 yellow"),
        pytest.param(D("0.6999"), False, "yellow", False, id="aspirational 0.6999 < 0.7 yellow"),
        pytest.param(D("0.7"), False, "green", True, id="aspirational 0.7 green, met"),
        pytest.param(D(1), False, "green", True, id="aspirational 1.0 green"),
        pytest.param(D(0), False, "red", False, id="aspirational 0 red"),
        pytest.param(D("0.6999"), True, "red", False, id="committed 0.6999 < 0.7 red"),
        pytest.param(D("0.7"), True, "yellow", False, id="committed 0.7 yellow, not met"),
        pytest.param(D("0.9999"), True, "yellow", False, id="committed 0.9999 < 1 yellow"),
        pytest.param(D("1.0"), True, "green", True, id="committed 1.0 green, met"),
        pytest.param(D("0.4"), True, "red", False, id="committed 0.4 red"),
    ],
)
def test_score_band_and_met(score, committed, band, is_met):
    assert score_band(score, committed=committed) == band
    assert met(score, committed) is is_met


# --- tree evaluation -------------------------------------------------------------------------


def _kr(id_, start=0, target=10, current=5, **kw):
    kw.setdefault("kind", "metric")
    return KRIn(id_, f"KR {id_}", start=start, target=target, current=current, **kw)


PROJECT_A = ProjectIn("A", "A", done=3, live=4)  # 3 done of 4 live (2 dropped) = 0.75
PROJECT_B = ProjectIn("B", "B", done=1, live=2)  # 1/2 = 0.5


@pytest.mark.parametrize(
    ("node", "progress", "formula_bits"),
    [
        pytest.param(
            _kr(1, 8, 5, D("6.2"), kind="percent"),
            D("0.6"),
            ["(6.2 − 8) / (5 − 8) = 0.6"],
            id="KR churn (6.2-8)/(5-8) = 0.6",
        ),
        pytest.param(
            _kr(1, 0, 10, 15), D(1), ["(15 − 0) / (10 − 0) = 1.5", "clamped to 1"], id="KR past target 15/10 clamped 1"
        ),
        pytest.param(_kr(1, 0, 10, None), D(0), ["no check-in", "(0 − 0) / (10 − 0) = 0"], id="KR no check-in = 0"),
        pytest.param(_kr(1, 3, 3, 3), D(1), ["target = start = 3", "→ 1"], id="KR target=start met = 1"),
        pytest.param(_kr(1, kind="milestone", done=True), D(1), ["milestone done = 1"], id="milestone done"),
        pytest.param(
            _kr(1, None, None, None, kind="milestone"), D(0), ["milestone not done = 0"], id="milestone not done"
        ),
        pytest.param(
            _kr(1, progress_from="projects", projects=(PROJECT_A, PROJECT_B)),
            D("0.625"),
            ["(0.75 + 0.5) / 2 = 0.625"],
            id="KR from projects (0.75 + 0.5)/2 = 0.625",
        ),
        pytest.param(
            _kr(1, progress_from="projects", projects=(ProjectIn("C", "C", 0, 0),)),
            None,
            ["no projects"],
            id="KR from projects, none live -> None",
        ),
        pytest.param(
            _kr(1, current=5, projects=(PROJECT_A,)),
            D("0.5"),
            ["(5 − 0) / (10 − 0) = 0.5"],
            id="KR by check-ins keeps projects as uncounted children 5/10",
        ),
        pytest.param(
            ObjectiveIn(1, "O", key_results=(_kr(1, current=5, weight=2), _kr(2, current=8))),
            D("0.6"),
            ["(0.5×2 + 0.8×1) / 3 = 0.6"],
            id="objective (0.5x2 + 0.8x1)/3 = 0.6",
        ),
        pytest.param(
            ObjectiveIn(1, "O", key_results=(_kr(1, current=5), _kr(2, current=8, weight=0))),
            D("0.5"),
            ["only one counted: 0.5", "1 left out"],
            id="objective weight 0 KR left out",
        ),
        pytest.param(ObjectiveIn(1, "O"), None, ["no key results"], id="empty objective -> None"),
        pytest.param(
            GoalIn(
                1,
                "G",
                objectives=(
                    ObjectiveIn("content-O", "O", key_results=(_kr(1, current=2),)),  # team content: 0.2
                    ObjectiveIn("growth-O", "O", weight=3, key_results=(_kr(2, current=6),)),  # team growth: 0.6
                ),
            ),
            D("0.5"),
            ["(0.2×1 + 0.6×3) / 4 = 0.5"],
            id="goal over objectives of two teams (0.2x1+0.6x3)/4=0.5",
        ),
        pytest.param(
            GoalIn(
                1, "G", measure=(100, 200, 130), objectives=(ObjectiveIn(1, "O", key_results=(_kr(1, current=9),)),)
            ),
            D("0.3"),
            ["own measure: (130 − 100) / (200 − 100) = 0.3"],
            id="goal own measure 30/100 = 0.3",
        ),
        pytest.param(
            GoalIn(1, "G", measure=(D(8), D(5), None)), D(0), ["no check-in"], id="goal measure without current = 0"
        ),
        pytest.param(GoalIn(1, "G"), None, ["no objectives"], id="goal without objectives -> None"),
        pytest.param(
            ProjectIn("P", "P", 1, 4, done_estimate=6, live_estimate=8),
            D("0.25"),
            ["1 done / 4 live tasks = 0.25"],
            id="project by count 1/4",
        ),
    ],
)
def test_evaluate(node, progress, formula_bits):
    result = evaluate(node)
    assert result.progress == progress
    for bit in formula_bits:
        assert bit in result.formula


def test_evaluate_kr_from_projects_with_dropped_tasks():
    a = ProjectIn("A", "A", done=3, live=4)  # 6 tasks, 2 dropped: 3 of 4 live done
    b = ProjectIn("B", "B", done=1, live=2)
    empty = ProjectIn("E", "only dropped tasks", done=0, live=0)
    kr = evaluate(_kr(1, progress_from="projects", projects=(a, b, empty)))
    assert kr.progress == D("0.625")  # (0.75 + 0.5) / 2
    assert [(c.id, c.progress, c.counted) for c in kr.children] == [
        ("A", D("0.75"), True),
        ("B", D("0.5"), True),
        ("E", None, False),
    ]
    assert kr.children[0].formula == "3 done / 4 live tasks = 0.75"
    assert "1 left out" in kr.formula


def test_evaluate_by_estimate():
    p = ProjectIn("P", "P", done=1, live=4, done_estimate=6, live_estimate=8)
    node = evaluate(p, by_estimate=True)
    assert node.progress == D("0.75")  # 6 / 8
    assert node.formula == "done estimate 6 / live estimate 8 = 0.75"
    kr = evaluate(_kr(1, progress_from="projects", projects=(p, PROJECT_B)), by_estimate=True)
    assert kr.progress == D("0.625")  # (0.75 by estimate + 0.5 by count) / 2


def test_evaluate_goal_measure_leaves_objectives_uncounted():
    objective = ObjectiveIn(1, "O", key_results=(_kr(1),))
    goal = evaluate(GoalIn(1, "G", measure=(0, 10, 3), objectives=(objective,)))
    assert goal.progress == D("0.3")
    assert goal.children[0].progress == D("0.5")
    assert goal.children[0].counted is False


def test_evaluate_team_over_sub_team_goals():
    # company: goal 0.2 (w1); department: goal 0.6 (w2); team under it: goal 0.9 (w1), goal w0.
    def goal(id_, current, weight=1):
        return GoalIn(id_, id_, weight=weight, measure=(0, 10, current))

    team = TeamIn("team", "Team", goals=(goal("g3", 9), goal("g4", 5, weight=0)))
    dept = TeamIn("dept", "Department", goals=(goal("g2", 6, weight=2),), children=(team,))
    company = TeamIn("company", "Company", goals=(goal("g1", 2),), children=(dept,))
    root = evaluate(company)
    # company: (0.2x1 + 0.6x2 + 0.9x1) / 4 = 2.3 / 4 = 0.575 -- every goal below, not a mean of means
    assert root.progress == D("0.575")
    assert "(0.2×1 + 0.6×2 + 0.9×1) / 4 = 0.575" in root.formula
    assert "1 left out" in root.formula
    assert root.weight == D(4)
    dept_node = root.children[1]
    assert (dept_node.kind, dept_node.progress, dept_node.weight) == ("team", D("0.7"), D(3))  # (1.2+0.9)/3
    team_node = dept_node.children[1]
    assert team_node.progress == D("0.9")
    assert [(c.id, c.counted) for c in team_node.children] == [("g3", True), ("g4", False)]
    assert [n.id for n in root.walk()] == ["company", "g1", "dept", "g2", "team", "g3", "g4"]


def test_evaluate_team_without_goals_is_uncounted():
    goal = GoalIn("g", "g", measure=(0, 4, 1))
    root = evaluate(TeamIn("co", "Co", goals=(goal,), children=(TeamIn("x", "X"),)))
    assert root.progress == D("0.25")
    assert root.children[1].progress is None
    assert root.children[1].counted is False


def test_evaluate_team_twice_is_an_error():
    sub = TeamIn("sub", "Sub")
    with pytest.raises(ValueError, match="twice"):
        evaluate(TeamIn("co", "Co", children=(sub, sub)))


def test_evaluate_status_and_scores():
    objective = ObjectiveIn(
        "o",
        "O",
        kind="committed",
        key_results=(
            _kr(1, current=5, confidence=D("0.3")),  # 0.5 on pace, confidence < 0.4 -> at risk
            _kr(2, current=10, score_override=D("0.9")),  # progress 1, score overridden to 0.9
            _kr(3, progress_from="projects"),  # no projects: no data, scores 0
        ),
    )
    node = evaluate(objective, expected=D("0.5"))
    kr1, kr2, kr3 = node.children
    assert (kr1.status, kr1.score, kr1.band) == ("at_risk", D("0.5"), "red")
    assert "confidence 0.3 < 0.4 → at risk" in kr1.status_reason
    assert (kr2.status, kr2.score, kr2.band) == ("on_track", D("0.9"), "yellow")
    assert "score = override 0.9" in kr2.formula
    assert (kr3.status, kr3.progress, kr3.score, kr3.counted) == ("no_data", None, D(0), False)
    assert node.progress == D("0.75")  # (0.5 + 1) / 2, KR 3 left out
    # score counts every KR: (0.5 + 0.9 + 0) / 3 = 0.4666...
    assert node.score == (D("0.5") + D("0.9")) / 3
    assert node.band == "red"  # committed: below 0.7
    assert node.status == "on_track"
    assert node.expected == D("0.5")


def test_evaluate_without_pace_judges_nothing():
    node = evaluate(ObjectiveIn("o", "O", key_results=(_kr(1),)))
    assert all(n.status is None and n.expected is None for n in node.walk())


def test_evaluate_projects_under_a_kr_are_not_judged():
    kr = evaluate(_kr(1, progress_from="projects", projects=(PROJECT_A,)), expected=D("0.9"))
    assert kr.status == "at_risk"  # 0.75 < 0.9 - 0.10 = 0.8 but >= 0.9 - 0.25 = 0.65
    assert kr.children[0].status is None


@pytest.mark.parametrize(
    "node",
    [
        pytest.param(KRIn(1, "K", "vibes", 0, 1, 0), id="KR kind"),
        pytest.param(KRIn(1, "K", "metric", 0, 1, 0, progress_from="gut"), id="progress_from"),
        pytest.param(ObjectiveIn(1, "O", kind="maybe"), id="objective kind"),
        pytest.param(GoalIn(1, "G", weight=-1), id="negative goal weight"),
    ],
)
def test_evaluate_rejects_bad_input(node):
    with pytest.raises(ValueError):
        evaluate(node)


def test_evaluate_rejects_unknown_node():
    with pytest.raises(TypeError):
        evaluate({"id": 1})


def test_formula_with_many_terms_is_summed_up():
    goals = tuple(GoalIn(i, str(i), measure=(0, 10, i % 10)) for i in range(20))
    root = evaluate(TeamIn("co", "Co", goals=goals))
    assert root.progress == D("0.45")  # two rounds of 0..9 tenths: 9 / 20
    assert root.formula.endswith("Σ progress×weight / Σ weight over 20 goals = 9 / 20 = 0.45")


def test_rounded_figures_say_so():
    assert evaluate(_kr(1, 0, 3, 1)).formula == "(1 − 0) / (3 − 0) ≈ 0.3333"
    # tiny and huge figures keep their digits instead of showing "0" or a wall of digits
    assert evaluate(_kr(1, 0, D("3E-9"), D("1E-9"))).formula == "(1e-9 − 0) / (3e-9 − 0) ≈ 0.3333"
    assert evaluate(_kr(1, 0, D("4E+40"), D("1E+40"))).formula == "(1e+40 − 0) / (4e+40 − 0) = 0.25"


def test_as_dict_is_json_safe():
    root = evaluate(
        TeamIn(
            "co",
            "Co",
            goals=(
                GoalIn(
                    "g",
                    "G",
                    objectives=(
                        ObjectiveIn("o", "O", kind="aspirational", key_results=(_kr(1, 0, 3, 1, confidence=0.5),)),
                    ),
                ),
            ),
        ),
        expected=D("0.25"),
    )
    data = json.loads(json.dumps(root.as_dict()))
    kr = data["children"][0]["children"][0]["children"][0]
    assert kr["progress"] == 0.3333  # 1/3 rounded to 4 places
    assert kr["score"] == 0.3333
    assert kr["confidence"] == 0.5
    assert kr["expected"] == 0.25
    assert kr["status"] == "on_track"
    assert kr["band"] == "red"
    assert kr["counted"] is True
    assert kr["formula"] == "(1 − 0) / (3 − 0) ≈ 0.3333"
    assert data["weight"] == 1.0 and data["kind"] == "team"


def test_company_scale_is_linear():
    def kr(i):
        projects = (ProjectIn(2 * i, "p", i % 5, 5), ProjectIn(2 * i + 1, "p", 1, 3))
        return KRIn(
            i,
            "k",
            "metric",
            0,
            100,
            i % 120,
            projects=projects,
            progress_from="projects" if i % 2 else "checkins",
            confidence=D("0.5"),
        )

    teams = tuple(
        TeamIn(
            t,
            "t",
            goals=tuple(
                GoalIn(
                    (t, g),
                    "g",
                    objectives=tuple(
                        ObjectiveIn(
                            (t, g, o), "o", key_results=tuple(kr(t * 1000 + g * 100 + o * 10 + k) for k in range(5))
                        )
                        for o in range(5)
                    ),
                )
                for g in range(4)
            ),
        )
        for t in range(50)
    )
    # CPU time of this process: other workers and programs on the machine do not count.
    started = time.process_time()
    root = evaluate(TeamIn("co", "Co", children=teams), expected=D("0.4"))
    root.as_dict()
    elapsed = time.process_time() - started
    kinds = [n.kind for n in root.walk()]
    assert (kinds.count("key_result"), kinds.count("project")) == (5000, 10000)
    assert elapsed < 5  # about 0.2 s; a quadratic rollup would take minutes


# --- properties ------------------------------------------------------------------------------

finite = st.decimals(allow_nan=False, allow_infinity=False)
unit = st.decimals(min_value=0, max_value=1, allow_nan=False, allow_infinity=False)
weights = st.decimals(min_value=0, max_value=10**6, allow_nan=False, allow_infinity=False)


@given(start=finite, target=finite, current=st.none() | finite, same=st.booleans())
def test_property_progress_within_unit_interval(start, target, current, same):
    if same:
        target = start
    p = kr_progress(start, target, current)
    assert D(0) <= p <= D(1)


@given(start=finite, target=finite, current=finite)
def test_property_decreasing_mirrors_increasing(start, target, current):
    mirrored = (start.copy_negate(), target.copy_negate(), current.copy_negate())
    assert kr_progress(start, target, current) == kr_progress(*mirrored)


@given(start=finite, target=finite, a=finite, b=finite)
def test_property_monotone_in_current(start, target, a, b):
    if start == target:
        return
    low, high = sorted((a, b))
    if target > start:
        assert kr_progress(start, target, low) <= kr_progress(start, target, high)
    else:
        assert kr_progress(start, target, low) >= kr_progress(start, target, high)


@given(p=finite, ws=st.lists(weights.filter(lambda w: w > 0), min_size=1, max_size=20))
def test_property_mean_of_equal_children_is_the_child(p, ws):
    assert weighted_mean((p, w) for w in ws) == p


@settings(max_examples=200)
@given(pairs=st.lists(st.tuples(st.none() | unit, weights), max_size=30))
def test_property_mean_between_counted_min_and_max(pairs):
    counted = [(p, w) for p, w in pairs if p is not None and w > 0]
    result = weighted_mean(pairs)
    if not counted:
        assert result is None
        return
    assert min(p for p, _ in counted) <= result <= max(p for p, _ in counted)
    exact = sum(Fraction(p) * Fraction(w) for p, w in counted) / sum(Fraction(w) for _, w in counted)
    assert abs(Fraction(result) - exact) < Fraction(1, 10**20)


@given(
    children=st.lists(st.tuples(st.integers(0, 20), st.integers(1, 20), st.integers(0, 3)), max_size=12),
    expected=st.none() | unit,
)
def test_property_tree_figures_stay_in_unit_interval(children, expected):
    goals = tuple(GoalIn(i, str(i), weight=w, measure=(0, 10, c)) for i, (c, _, w) in enumerate(children))
    projects = tuple(ProjectIn(i, str(i), min(d, n), n) for i, (d, n, _) in enumerate(children))
    root = evaluate(TeamIn("co", "Co", goals=goals), expected=expected)
    kr = evaluate(KRIn(1, "K", "metric", 0, 1, 0, progress_from="projects", projects=projects))
    for node in (*root.walk(), *kr.walk()):
        assert node.progress is None or D(0) <= node.progress <= D(1)


# --- weeks that span two months ---------------------------------------------------------------


def test_a_week_spanning_two_months_counts_in_the_month_of_its_thursday():
    from okr.core import periods

    # 2026-W14 runs Monday 30 March to Sunday 5 April; its Thursday is 2 April, so its tasks
    # belong to April's project and to Q2, not to March or Q1.
    w14 = periods.parse("2026-W14")
    assert (w14.start.isoformat(), w14.end.isoformat()) == ("2026-03-30", "2026-04-05")
    april, march = periods.parse("2026-04"), periods.parse("2026-03")
    assert april.contains(w14) and not march.contains(w14)
    assert w14 in periods.parse("2026-Q2").weeks() and w14 not in periods.parse("2026-Q1").weeks()
    # April's project: W14 done, W15 done, W16 todo, W17 dropped -> 2 done / 3 live = 0.6667
    tasks = [
        (w, s)
        for w, s in (
            ("2026-W14", "done"),
            ("2026-W15", "done"),
            ("2026-W16", "todo"),
            ("2026-W17", "dropped"),
            ("2026-W13", "done"),
        )
    ]
    in_april = [(s, None) for w, s in tasks if april.contains(periods.parse(w))]
    assert len(in_april) == 4  # W13 (Thursday 26 March) is March's
    assert project_progress_from_tasks(in_april) == D(2) / D(3)


# --- silence, trend -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("last", "today", "silent"),
    [
        pytest.param(None, "2026-04-14", False, id="no check-in, 13 days into the quarter"),
        pytest.param(None, "2026-04-15", True, id="no check-in, 14 days into the quarter"),
        pytest.param("2026-05-01", "2026-05-15", True, id="last check-in 14 days ago"),
        pytest.param("2026-05-10", "2026-05-16", False, id="last check-in 6 days ago"),
        pytest.param("2026-03-20", "2026-04-10", False, id="checked in before the quarter: counted from its start"),
        pytest.param(None, "2026-03-01", False, id="quarter not started"),
    ],
)
def test_is_silent(last, today, silent):
    from datetime import date

    d = date.fromisoformat
    assert rollup.is_silent(None if last is None else d(last), d("2026-04-01"), d(today)) is silent


def test_progress_series_takes_the_latest_check_in_at_each_sample():
    from datetime import date

    d = date.fromisoformat
    points = [(d("2026-04-15"), D(1080)), (d("2026-05-10"), D(1150))]
    samples = [d("2026-04-05"), d("2026-04-15"), d("2026-05-01"), d("2026-05-16")]
    # before any check-in: the start (0); then (1080-1000)/300 = 0.2667; then 150/300 = 0.5
    got = rollup.progress_series(1000, 1300, points, samples)
    assert [round(x, 4) for x in got] == [0.0, 0.2667, 0.2667, 0.5]
    # a value carried into the period counts until the first check-in: (1030-1000)/300 = 0.1
    got = rollup.progress_series(1000, 1300, points, samples, before=D(1030))
    assert round(got[0], 4) == 0.1
    # decreasing churn 8 -> 5: 6.2 gives 0.6
    assert rollup.progress_series(8, 5, [(d("2026-05-01"), D("6.2"))], [d("2026-05-02")]) == [0.6]


def test_trend_uses_the_figures_weights_and_ends_at_the_figure():
    obj = ObjectiveIn(
        "o",
        "O",
        key_results=(
            _kr("a", current=5, weight=1),  # 0.5
            _kr("b", current=8, weight=2),  # 0.8
            _kr("c", current=9, weight=0),  # left out
        ),
    )
    root = evaluate(TeamIn("t", "T", goals=(GoalIn("g", "G", objectives=(obj,)),)))
    series = {"a": [0.0, 0.25, 0.4], "b": [0.1, 0.4, 0.7], "c": [1.0, 1.0, 1.0]}
    got = rollup.trend(root, series, 3)
    # the last point is each KR's figure: a 0.5, b 0.8; the objective (0.5×1 + 0.8×2)/3 = 0.7
    assert got[("key_result", "a")] == [0.0, 0.25, 0.5]
    assert got[("objective", "o")] == pytest.approx([(0 + 0.2) / 3, (0.25 + 0.8) / 3, 0.7])
    assert got[("objective", "o")][-1] == pytest.approx(float(root.children[0].children[0].progress))
    assert got[("team", "t")] == got[("goal", "g")] == got[("objective", "o")]
    # a KR without a series (from projects, a milestone) is drawn flat at its figure
    assert rollup.trend(evaluate(_kr("m", kind="milestone", done=True)), {}, 2)[("key_result", "m")] == [1.0, 1.0]


# --- what needs attention ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "kind, status, progress, kw, expected",
    [
        (
            "key_result",
            rollup.OFF_TRACK,
            "0.1",
            dict(silent=True, has_accountable=False),
            [rollup.NEEDS_OFF_TRACK, rollup.NEEDS_CHECK_IN, rollup.NEEDS_ACCOUNTABLE],
        ),
        # done: silence is nothing to report
        ("key_result", rollup.ON_TRACK, "1", dict(silent=True), []),
        ("key_result", rollup.AT_RISK, "0.4", {}, [rollup.NEEDS_AT_RISK]),
        (
            "objective",
            rollup.ON_TRACK,
            "0.9",
            dict(has_owner=False, aligned=False),
            [rollup.NEEDS_OWNER, rollup.NEEDS_ALIGNMENT],
        ),
        # a key result's own rules do not apply to an objective, nor any to a project
        ("objective", rollup.ON_TRACK, "0.9", dict(silent=True, has_accountable=False), []),
        ("project", rollup.OFF_TRACK, "0", dict(silent=True), []),
        ("goal", rollup.OFF_TRACK, "0.1", dict(has_owner=False), [rollup.NEEDS_OFF_TRACK]),
    ],
)
def test_attention_reasons_worst_first(kind, status, progress, kw, expected):
    node = rollup.Node(kind, 1, "x", D(progress), D(1), "", status=status)
    assert rollup.attention(node, **kw) == expected
