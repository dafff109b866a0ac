"""Working-group pages: overview, settings and stakeholder groups, members and invitations."""
from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select

from ..extensions import db
from ..models import Invitation, Membership
from ..models._base import utcnow
from ..security import Permission, can
from ..security.limits import limited
from ..services import groups as group_service
from ..services.documents import group_documents
from ..services.errors import ServiceError
from .forms import EmptyForm, InviteForm, RenameStakeholderForm, SettingsForm, StakeholderForm
from .helpers import form_error, load_group, send_invitation

bp = Blueprint("groups", __name__, url_prefix="/groups")


@bp.get("/<slug>")
def show(slug: str):
    group = load_group(slug)
    documents = [d for d in group_documents(group) if can(current_user, Permission.VIEW_DOCUMENT, d)]
    return render_template("groups/show.html", group=group, documents=documents)


@bp.route("/<slug>/settings", methods=["GET", "POST"])
def settings(slug: str):
    group = load_group(slug, Permission.MANAGE_GROUP)
    form = SettingsForm(obj=group)
    if form.validate_on_submit():
        try:
            group_service.update_settings(
                current_user, group, name=form.name.data, mandate=form.mandate.data or "", public=form.public.data,
                default_rule=form.default_rule.data, default_threshold=form.default_threshold.data,
                default_quorum=form.default_quorum.data, public_comments=form.public_comments.data,
                hide_running_tallies=form.hide_running_tallies.data)
        except ServiceError as exc:
            form_error(form, exc)
        else:
            flash(_("Settings saved."), "success")
            return redirect(url_for(".settings", slug=slug))
    return _settings_page(group, form=form, status=400 if form.is_submitted() else 200)


def _settings_page(group, status=200, **forms):
    forms.setdefault("form", SettingsForm(obj=group))
    forms.setdefault("stakeholder_form", StakeholderForm())
    return render_template("groups/settings.html", group=group, rename_form=RenameStakeholderForm(),
                           **forms), status


@bp.post("/<slug>/stakeholder-groups")
def add_stakeholder(slug: str):
    group = load_group(slug, Permission.MANAGE_GROUP)
    form = StakeholderForm()
    if form.validate_on_submit():
        try:
            group_service.add_stakeholder_group(current_user, group, form.key.data, form.name.data)
        except ServiceError as exc:
            form_error(form, exc)
        else:
            flash(_("Stakeholder group added."), "success")
            return redirect(url_for(".settings", slug=slug))
    return _settings_page(group, stakeholder_form=form, status=400)


@bp.post("/<slug>/stakeholder-groups/rename")
def rename_stakeholder(slug: str):
    group = load_group(slug, Permission.MANAGE_GROUP)
    form = RenameStakeholderForm()
    if form.validate_on_submit():
        try:
            group_service.rename_stakeholder_group(current_user, group, int(form.stakeholder_id.data), form.name.data)
        except (ServiceError, ValueError) as exc:
            flash(exc.translated() if isinstance(exc, ServiceError) else _("No such stakeholder group."), "error")
            return _settings_page(group, status=getattr(exc, "status", 400))
        flash(_("Stakeholder group renamed."), "success")
    return redirect(url_for(".settings", slug=slug))


def _invite_form(group) -> InviteForm:
    form = InviteForm()
    form.stakeholder.choices = [("", _("— none (observers) —"))] + [(s.key, s.name) for s in group.stakeholder_groups]
    return form


@bp.get("/<slug>/members")
def members(slug: str):
    group = load_group(slug, Permission.VIEW_MEMBERS)
    return _members_page(group, _invite_form(group))


def _members_page(group, form, status=200, new_link=None):
    memberships = list(db.session.scalars(
        select(Membership).where(Membership.working_group_id == group.id).order_by(Membership.created_at)))
    invitations = []
    if can(current_user, Permission.MANAGE_GROUP, group):
        invitations = list(db.session.scalars(select(Invitation).where(
            Invitation.working_group_id == group.id, Invitation.accepted_at.is_(None),
            Invitation.revoked_at.is_(None), Invitation.expires_at > utcnow()).order_by(Invitation.created_at.desc())))
    return render_template("groups/members.html", group=group, memberships=memberships, invitations=invitations,
                           form=form, empty_form=EmptyForm(), new_link=new_link), status


@bp.post("/<slug>/invitations")
@limited("invitations")
def invite(slug: str):
    group = load_group(slug, Permission.MANAGE_GROUP)
    form = _invite_form(group)
    if form.validate_on_submit():
        try:
            invitation, secret = group_service.invite(
                current_user, group, form.email.data, form.role.data, form.stakeholder.data or None,
                affiliation=form.affiliation.data or "", own_capacity=form.own_capacity.data)
        except ServiceError as exc:
            form_error(form, exc)
        else:
            link = send_invitation(invitation, secret)
            flash(_("Invitation created for %(email)s.", email=invitation.email), "success")
            return _members_page(group, _invite_form(group), status=201, new_link=link)
    return _members_page(group, form, status=400)


@bp.post("/<slug>/invitations/<int:invitation_id>/revoke")
def revoke_invitation(slug: str, invitation_id: int):
    group = load_group(slug, Permission.MANAGE_GROUP)
    if EmptyForm().validate_on_submit():
        group_service.revoke_invitation(current_user, group, invitation_id)
        flash(_("Invitation revoked."), "success")
    return redirect(url_for(".members", slug=slug))


@bp.post("/<slug>/members/<int:membership_id>/remove")
def remove_member(slug: str, membership_id: int):
    group = load_group(slug, Permission.MANAGE_GROUP)
    if EmptyForm().validate_on_submit():
        try:
            group_service.remove_membership(current_user, group, membership_id)
        except ServiceError as exc:
            flash(exc.translated(), "error")
            return _members_page(group, _invite_form(group), status=exc.status)
        flash(_("Member removed."), "success")
    return redirect(url_for(".members", slug=slug))
