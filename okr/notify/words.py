"""The words of notifications, through the catalogues (notify.po): each event's message made
from its parameters, the names of events and channels. Rules and ops carry codes only.
"""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l


class _Params(dict):
    """A notification's parameters: a missing one reads as empty rather than failing a page."""

    def __missing__(self, key):
        return ""


EVENT_NAMES = {
    "kpi_alert": _l("KPI alerts"),
    "checkin_due": _l("Check-ins due"),
    "checkin_missed": _l("Check-ins missed"),
    "task_overdue": _l("Overdue tasks"),
    "task_delegated": _l("Tasks delegated to me"),
    "approval_waiting": _l("Approvals waiting"),
    "one_on_one_item": _l("1:1 agenda items"),
    "weekly_digest": _l("Weekly digest"),
}

CHANNEL_NAMES = {
    "inbox": _l("Inbox only"),
    "email": _l("Inbox and email"),
    "digest": _l("Inbox and weekly digest"),
    "off": _l("Off"),
}


def message(event: str, params: dict) -> str:
    """One line saying what happened, in the current language."""
    p = _Params(params or {})
    if event == "kpi_alert":
        return _("%(kpi)s left its normal range: %(value)s (normal %(low)s–%(high)s)") % p
    if event == "checkin_due":
        return _("Check in on “%(title)s”: no check-in for %(days)s days") % p
    if event == "checkin_missed":
        return _("Check-in missed on “%(title)s”: %(days)s days without one") % p
    if event == "task_overdue":
        return _("“%(title)s” was due on %(due_on)s and is not finished") % p
    if event == "task_delegated":
        return _("%(by)s handed you “%(title)s”") % p
    if event == "approval_waiting":
        return _("“%(title)s” waits for your approval (asked by %(by)s)") % p
    if event == "one_on_one_item":
        return _("%(by)s added to your 1:1 agenda: %(text)s") % p
    if event == "weekly_digest":
        return _("Your week %(week)s: %(total)s notifications") % p
    return str(event)


def event_name(event: str) -> str:
    return str(EVENT_NAMES.get(event, event))
