"""Where a person lands on signing in: their own choice, or a default by what they can do.
Pure values in, values out.
"""

from __future__ import annotations

from okr.core.kinds import LANDING_PAGES

WEEK, ROLLUP, TEAM = LANDING_PAGES
TEAMS = "teams"  # the list of teams: a team's plan was chosen, but the person holds no team


def landing(choice: str | None, *, can_write: bool, has_team: bool) -> str:
    """The page a person lands on: ``week``, ``rollup``, ``team`` (their team's plan) or ``teams``.

    Rule: a person's own choice wins (one of kinds.LANDING_PAGES). With none, someone who can
    write somewhere (a member, a manager, an admin) lands on their week, and someone who only
    reads (a viewer) on the company rollup, since their week is always empty. A team's plan
    chosen by someone who holds no team lands on the list of teams.
    """
    if choice not in LANDING_PAGES:
        choice = WEEK if can_write else ROLLUP
    if choice == TEAM and not has_team:
        return TEAMS
    return choice
