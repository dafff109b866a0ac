"""Site administration: working groups, their chairs, and accounts."""
from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import func, select

from ..extensions import db
from ..models import Membership, User, WorkingGroup
from ..security import Permission, require
from ..security.limits import limited
from ..services.account_deletion import delete_account
from ..services.accounts import find_user_by_email, set_active
from ..services.errors import ServiceError
from ..services.groups import create_working_group, invite, set_membership
from .forms import AppointChairForm, ConfirmPasswordForm, EmptyForm, GroupForm
from .helpers import form_error, load_group, send_invitation

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.before_request
def only_admins():
    require(current_user, Permission.ADMINISTER)


@bp.get("")
def index():
    groups = list(db.session.scalars(select(WorkingGroup).order_by(WorkingGroup.name)))
    member_counts = dict(db.session.execute(
        select(Membership.working_group_id, func.count()).group_by(Membership.working_group_id)).all())
    users = list(db.session.scalars(select(User).order_by(User.created_at.desc()).limit(500)))
    return render_template("admin/index.html", groups=groups, member_counts=member_counts, users=users,
                           empty_form=EmptyForm())


@bp.route("/groups/new", methods=["GET", "POST"])
def new_group():
    form = GroupForm()
    if form.validate_on_submit():
        try:
            group = create_working_group(current_user, form.name.data, form.slug.data,
                                         mandate=form.mandate.data or "", public=form.public.data)
        except ServiceError as exc:
            form_error(form, exc)
        else:
            flash(_("The working group is created. Now appoint its chairs."), "success")
            return redirect(url_for(".chairs", slug=group.slug))
    return render_template("admin/new_group.html", form=form), 400 if form.is_submitted() else 200


@bp.route("/groups/<slug>/chairs", methods=["GET", "POST"])
@limited("invitations")
def chairs(slug: str):
    group = load_group(slug, Permission.ADMINISTER)
    form = AppointChairForm()
    form.stakeholder.choices = [(s.key, s.name) for s in group.stakeholder_groups]
    if form.validate_on_submit():
        try:
            user = find_user_by_email(form.email.data)
            if user is not None:
                set_membership(current_user, group, user, "chair", form.stakeholder.data)
            else:  # no account yet: the new chair sets it up from an invitation link
                invitation, secret = invite(current_user, group, form.email.data, "chair", form.stakeholder.data)
                link = send_invitation(invitation, secret)
        except ServiceError as exc:
            form_error(form, exc)
        else:
            if user is not None:
                flash(_("%(user)s is a chair of %(group)s.", user=user.name, group=group.name), "success")
            else:
                flash(_("Invitation to chair sent to %(email)s. Link: %(link)s", email=invitation.email, link=link),
                      "success")
            return redirect(url_for(".chairs", slug=group.slug))
    current_chairs = list(db.session.scalars(select(Membership).where(
        Membership.working_group_id == group.id, Membership.role == "chair")))
    return render_template("admin/chairs.html", group=group, form=form, chairs=current_chairs), \
        400 if form.is_submitted() and form.errors else 200


@bp.post("/users/<int:user_id>/active")
def toggle_active(user_id: int):
    user = db.session.get(User, user_id)
    if user is None:
        return redirect(url_for(".index"))
    if EmptyForm().validate_on_submit() and user.id != current_user.id:
        set_active(current_user, user, not user.active)
        message = _("%(name)s is active.") if user.active else _("%(name)s is suspended.")
        flash(message % {"name": user.name}, "success")
    return redirect(url_for(".index"))


@bp.route("/users/<int:user_id>/delete", methods=["GET", "POST"])
def delete_user(user_id: int):
    user = db.session.get(User, user_id)
    if user is None or user.deleted_at is not None:
        abort(404)
    form, status = ConfirmPasswordForm(), 200
    if form.validate_on_submit():
        try:
            delete_account(current_user, user, password=form.password.data)
        except ServiceError as exc:
            form_error(form, exc)
            status = exc.status
        else:
            flash(_("The account is deleted."), "success")
            return redirect(url_for(".index"))
    elif form.is_submitted():
        status = 400
    return render_template("admin/delete_user.html", user=user, form=form), status
