"""Admin pages (organisation admins only, enforced in okr/core/web/security.py): people, teams,
organisation settings and backups.

People: add, set a role per team, sign out everywhere, archive (after seeing which items would
lose their Accountable or only Responsible person). Teams: add, rename, move (no cycles), archive.
"""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, url_for
from flask_babel import gettext as _
from sqlmodel import func, select

from okr.accounts import ops as accounts_ops
from okr.accounts import passwords, sessions
from okr.admin.forms import (
    ConfirmForm,
    OrgSettingsForm,
    PersonForm,
    RoleForm,
    TeamEditForm,
    TeamForm,
    VersionForm,
    choices,
)
from okr.core import kinds
from okr.core import models as m
from okr.core.web import accepts, actor, db, is_htmx, json_error, org_teams, render, wants_json
from okr.core.web.forms import row_id
from okr.plans import ops as planning
from okr.plans import rules as alignment

bp = Blueprint("admin", __name__, url_prefix="/admin")


def _org() -> m.Organisation:
    return db().get(m.Organisation, actor().org_id)


def _team_choices(blank: bool):
    rows = [(row.team.id, ("· " * row.depth) + row.team.name) for row in org_teams()]
    return choices(([(0, _("(none)"))] if blank else []) + rows)


def _person_or_404(user_id: int) -> m.User:
    user = db().get(m.User, user_id) if row_id(user_id) else None
    if user is None or user.org_id != actor().org_id:
        abort(404)
    return user


def _team_or_404(team_id: int) -> m.Team:
    team = db().get(m.Team, team_id) if row_id(team_id) else None
    if team is None or team.org_id != actor().org_id:
        abort(404)
    return team


def _invalid(template: str, form, **ctx):
    if wants_json():
        return json_error(_("Some values need fixing."), 422, form.errors)
    return render(template, status=422, form=form, **ctx)


# --- overview -------------------------------------------------------------------------------


@bp.get("")
def index():
    session = db()
    org = _org()
    people = session.exec(select(m.User).where(m.User.org_id == org.id).order_by(m.User.is_archived, m.User.name)).all()
    return render("admin/index.html", org=org, people=people, teams=org_teams())


# --- people ---------------------------------------------------------------------------------


def _people_context(form=None):
    session = db()
    org = _org()
    people = session.exec(select(m.User).where(m.User.org_id == org.id).order_by(m.User.is_archived, m.User.name)).all()
    memberships = session.exec(
        select(m.Membership).join(m.User, m.User.id == m.Membership.user_id).where(m.User.org_id == org.id)
    ).all()
    teams = {t.id: t for t in session.exec(select(m.Team).where(m.Team.org_id == org.id)).all()}
    roles: dict[int, list[tuple[str, str]]] = {}
    for ms in memberships:
        if ms.team_id in teams:
            roles.setdefault(ms.user_id, []).append((teams[ms.team_id].name, ms.role))
    if form is None:
        form = PersonForm()
    form.team_id.choices = _team_choices(blank=True)
    return {"people": people, "roles": roles, "form": form}


@bp.get("/people")
def people():
    return render("admin/people.html", **_people_context())


def _taken_message(org_id: int, email: str) -> str:
    """Why an address cannot be added. A colleague in this organisation is named (the admin sees
    them on the people page anyway); an address held in another organisation is refused with
    words that name no account and no organisation (docs/security.md, "Accounts across
    organisations")."""
    email = accounts_ops.normalise_email(email)
    holder = db().exec(select(m.User.org_id).where(func.lower(m.User.email) == email)).first()
    if holder == org_id:
        return _("%(email)s is already in your organisation.", email=email)
    return _("This email cannot be used for a new account. Ask the person for another address.")


@bp.post("/people")
@accepts(PersonForm)
def person_add():
    form = PersonForm()
    form.team_id.choices = _team_choices(blank=True)
    if not form.validate():
        return _invalid("admin/people.html", form, **{k: v for k, v in _people_context(form).items() if k != "form"})
    me = actor()
    try:
        user = accounts_ops.create_user(
            session=db(),
            org_id=me.org_id,
            email=form.email.data,
            name=form.name.data,
            password_hash=passwords.hash_password(form.password.data),
            is_admin=bool(form.is_admin.data),
        )
        if form.team_id.data:
            accounts_ops.add_member(
                session=db(),
                actor_id=me.user_id,
                org_id=me.org_id,
                user_id=user.id,
                team_id=form.team_id.data,
                role=form.role.data,
            )
    except planning.PlanningError:
        db().rollback()
        form.email.errors.append(_taken_message(me.org_id, form.email.data))
        return _invalid("admin/people.html", form, **{k: v for k, v in _people_context(form).items() if k != "form"})
    db().commit()
    flash(_("%(name)s can now sign in.", name=user.name), "success")
    if is_htmx():
        return render("admin/people.html", block="people_list", **_people_context())
    return redirect(url_for("admin.person", user_id=user.id))


def _losses(user: m.User):
    """Items that would lose their A or their only R if ``user`` were archived: the same list
    as the person's RACI page (live items only; already archived people hold nothing)."""
    from okr.raci import queries as raci_queries
    from okr.raci import words as raci_words

    return [
        (key, item.title, raci_words.message(code))
        for key, item, code in raci_queries.losses_if_archived(db(), user.id)
    ]


def _person_context(user, role_form=None):
    session = db()
    memberships = session.exec(select(m.Membership).where(m.Membership.user_id == user.id)).all()
    teams = {row.team.id: row.team for row in org_teams()}
    if role_form is None:
        role_form = RoleForm()
    role_form.team_id.choices = _team_choices(blank=False)
    role_form.role.choices = choices([("", _("No role"))] + [(r, r) for r in kinds.ROLES])
    return {
        "person": user,
        "memberships": [(teams[ms.team_id], ms.role) for ms in memberships if ms.team_id in teams],
        "losses": _losses(user),
        "role_form": role_form,
        "confirm": ConfirmForm(),
    }


@bp.get("/people/<int:user_id>")
def person(user_id: int):
    return render("admin/person.html", **_person_context(_person_or_404(user_id)))


@bp.post("/people/<int:user_id>/roles")
@accepts(RoleForm)
def person_role(user_id: int):
    user = _person_or_404(user_id)
    form = RoleForm()
    form.team_id.choices = _team_choices(blank=False)
    form.role.choices = choices([(r, r) for r in kinds.ROLES])
    if not form.validate():
        return _invalid(
            "admin/person.html", form, **{k: v for k, v in _person_context(user, form).items() if k != "form"}
        )
    me = actor()
    accounts_ops.add_member(
        session=db(),
        actor_id=me.user_id,
        org_id=me.org_id,
        user_id=user.id,
        team_id=form.team_id.data,
        role=form.role.data,
    )
    db().commit()
    flash(_("Role saved."), "success")
    if is_htmx():
        return render("admin/person.html", block="person_roles", **_person_context(user))
    return redirect(url_for("admin.person", user_id=user.id))


@bp.post("/people/<int:user_id>/sign-out")
@accepts(ConfirmForm)
def person_sign_out(user_id: int):
    """End every session of this person (they sign in again)."""
    user = _person_or_404(user_id)
    form = ConfirmForm()
    if not form.validate():
        return _invalid("admin/person.html", form, **_person_context(user))
    user.session_version = (user.session_version or 1) + 1
    db().add(user)
    from flask import session

    mine = user.id == actor().user_id
    sessions.end_all(session=db(), user_id=user.id, keep=session.get("sid") if mine else None)
    db().commit()
    if mine:
        session["sv"] = user.session_version
    current_app.logger.info("sessions of user %s ended by user %s", user.id, actor().user_id)
    flash(_("%(name)s is signed out everywhere.", name=user.name), "success")
    return redirect(url_for("admin.person", user_id=user.id))


@bp.post("/people/<int:user_id>/unlock")
@accepts(ConfirmForm)
def person_unlock(user_id: int):
    """Let the person try signing in again from every address, before their lock-outs end."""
    from okr.core.web import ratelimit

    user = _person_or_404(user_id)
    form = ConfirmForm()
    if not form.validate():
        return _invalid("admin/person.html", form, **_person_context(user))
    ratelimit.unlock_account(user.email)
    current_app.logger.info("sign-in limits of user %s cleared by user %s", user.id, actor().user_id)
    flash(_("%(name)s can try signing in again from every address.", name=user.name), "success")
    return redirect(url_for("admin.person", user_id=user.id))


@bp.post("/people/<int:user_id>/archive")
@accepts(ConfirmForm)
def person_archive(user_id: int):
    """Archive a person: they cannot sign in and their sessions end. Their RACI letters stay, so
    the gaps shown on the person page remain visible on the RACI pages until reassigned."""
    user = _person_or_404(user_id)
    form = ConfirmForm()
    if not form.validate():
        return _invalid("admin/person.html", form, **_person_context(user))
    if user.id == actor().user_id:
        flash(_("You cannot archive yourself."), "error")
        return render("admin/person.html", status=422, **_person_context(user))
    me = actor()
    accounts_ops.set_person_archived(session=db(), actor_id=me.user_id, org_id=me.org_id, user=user, archived=True)
    db().commit()
    flash(_("%(name)s is archived and can no longer sign in.", name=user.name), "success")
    return redirect(url_for("admin.people"))


@bp.post("/people/<int:user_id>/restore")
@accepts(ConfirmForm)
def person_restore(user_id: int):
    """Bring an archived person back: they can sign in again and their RACI letters count."""
    user = _person_or_404(user_id)
    form = ConfirmForm()
    if not form.validate():
        return _invalid("admin/person.html", form, **_person_context(user))
    me = actor()
    accounts_ops.set_person_archived(session=db(), actor_id=me.user_id, org_id=me.org_id, user=user, archived=False)
    db().commit()
    flash(_("%(name)s is active again and can sign in.", name=user.name), "success")
    return redirect(url_for("admin.person", user_id=user.id))


# --- teams ----------------------------------------------------------------------------------


def _teams_context(form=None):
    if form is None:
        form = TeamForm()
    form.parent_id.choices = _team_choices(blank=True)
    edits = {}
    for row in org_teams():
        f = TeamEditForm(
            prefix=f"t{row.team.id}",
            data={"version": row.team.version, "name": row.team.name, "parent_id": row.team.parent_id or 0},
        )
        f.parent_id.choices = _team_choices(blank=True)
        edits[row.team.id] = f
    return {"teams": org_teams(), "form": form, "edits": edits, "archive": VersionForm()}


@bp.get("/teams")
def teams():
    return render("admin/teams.html", **_teams_context())


@bp.post("/teams")
@accepts(TeamForm)
def team_add():
    form = TeamForm()
    form.parent_id.choices = _team_choices(blank=True)
    if not form.validate():
        return _invalid("admin/teams.html", form, **{k: v for k, v in _teams_context(form).items() if k != "form"})
    me = actor()
    taken = db().exec(select(m.Team.id).where(m.Team.org_id == me.org_id, m.Team.slug == form.slug.data)).first()
    if taken is not None:
        form.slug.errors.append(_("Another team uses this short name."))
        return _invalid("admin/teams.html", form, **{k: v for k, v in _teams_context(form).items() if k != "form"})
    planning.create(
        session=db(),
        actor_id=me.user_id,
        org_id=me.org_id,
        model=m.Team,
        slug=form.slug.data,
        name=form.name.data,
        kind=form.kind.data,
        parent_id=form.parent_id.data or None,
    )
    db().commit()
    flash(_("Team added."), "success")
    return redirect(url_for("admin.teams"))


@bp.post("/teams/<int:team_id>")
@accepts(TeamEditForm, json_fields={"version": "int", "name": "str", "parent_id": "id"})
def team_update(team_id: int):
    """Rename a team or move it in the tree; a move under itself or its own teams is refused."""
    team = _team_or_404(team_id)
    form = TeamEditForm(prefix=f"t{team.id}")
    form.parent_id.choices = _team_choices(blank=True)
    ctx = {k: v for k, v in _teams_context().items() if k != "form"}
    if not form.validate():
        ctx["edits"][team.id] = form
        return _invalid("admin/teams.html", TeamForm(formdata=None), **ctx)
    new_parent = form.parent_id.data or None
    me = actor()
    if alignment.would_cycle(me.parent_of, team.id, new_parent):
        form.parent_id.errors.append(_("A team cannot sit under itself or one of its own teams."))
        ctx["edits"][team.id] = form
        return _invalid("admin/teams.html", TeamForm(formdata=None), **ctx)
    try:
        planning.update(
            session=db(),
            actor_id=me.user_id,
            org_id=me.org_id,
            item=team,
            expected_version=int(form.version.data),
            name=form.name.data,
            parent_id=new_parent,
        )
        db().commit()
    except planning.StaleEdit:
        db().rollback()
        db().refresh(team)
        ctx = {k: v for k, v in _teams_context().items() if k != "form"}
        ctx["edits"][team.id] = form
        ctx["stale"] = team
        form.version.data = str(team.version)
        if wants_json():
            return json_error(_("Someone else changed this in the meantime."), 409)
        return render("admin/teams.html", status=409, form=TeamForm(formdata=None), **ctx)
    except planning.PlanningError:
        db().rollback()
        form.parent_id.errors.append(_("A team cannot sit under itself or one of its own teams."))
        ctx["edits"][team.id] = form
        return _invalid("admin/teams.html", TeamForm(formdata=None), **ctx)
    flash(_("Team saved."), "success")
    return redirect(url_for("admin.teams"))


@bp.post("/teams/<int:team_id>/archive")
@accepts(VersionForm, json_fields={"version": "int"})
def team_archive(team_id: int):
    team = _team_or_404(team_id)
    form = VersionForm()
    if not form.validate():
        if wants_json():
            return json_error(_("Some values need fixing."), 422, form.errors)
        return render("admin/teams.html", status=422, **_teams_context())
    me = actor()
    try:
        planning.archive(
            session=db(), actor_id=me.user_id, org_id=me.org_id, item=team, expected_version=int(form.version.data)
        )
        db().commit()
    except planning.StaleEdit:
        db().rollback()
        if wants_json():
            return json_error(_("Someone else changed this in the meantime."), 409)
        ctx = {k: v for k, v in _teams_context().items() if k != "form"}
        return render("admin/teams.html", status=409, form=TeamForm(formdata=None), stale=team, **ctx)
    flash(_("Team archived. Its history can restore it."), "success")
    return redirect(url_for("admin.teams"))


# --- organisation settings ------------------------------------------------------------------


@bp.get("/settings")
def settings():
    org = _org()
    form = OrgSettingsForm(obj=org)
    return render("admin/settings.html", form=form, org=org)


@bp.post("/settings")
@accepts(OrgSettingsForm)
def settings_update():
    org = _org()
    form = OrgSettingsForm()
    if not form.validate():
        return _invalid("admin/settings.html", form, org=org)
    # The organisation row is settings, not a plan item: no planning operation owns it.
    org.smart_blocking = "".join(ch for ch in "SMART" if ch in (form.smart_blocking.data or ""))
    org.raci_max_accountable = form.raci_max_accountable.data
    org.raci_max_responsible = form.raci_max_responsible.data
    db().add(org)
    db().commit()
    flash(_("Settings saved."), "success")
    return redirect(url_for("admin.settings"))


# --- backups --------------------------------------------------------------------------------


@bp.get("/backups")
def backups():
    from okr.admin.backup import backend_of

    return render("admin/backups.html", backend=backend_of(current_app.config["DATABASE_URL"]))
