"""Staff accounts, for admins: list, create, edit, reset a password."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_login import login_user
from werkzeug.wrappers import Response

from bot.staff.models import ADMIN, StaffUser
from bot.staff.services import StaffError, create_user, list_users, set_password, update_user
from console.auth import ConsoleUser, client_ip, current_staff, roles_required
from console.blueprint import bp
from console.forms import PasswordResetForm, UserCreateForm, UserEditForm
from webhooks.context import db


@bp.get("/users")
@roles_required(ADMIN)
def users() -> str:
    return render_template("console/users.html", users=list_users(db()), active="users")


@bp.route("/users/new", methods=["GET", "POST"])
@roles_required(ADMIN)
def user_new() -> str | Response:
    form = UserCreateForm()
    if form.validate_on_submit():
        try:
            user = create_user(
                db(),
                email=form.email.data or "",
                name=form.name.data or "",
                role=form.role.data or "",
                password=form.password.data or "",
                partner=form.partner.data,
                provinces=form.provinces.data or [],
                phone=form.phone.data,
                actor=current_staff(),
                ip=client_ip(),
            )
        except StaffError as error:
            form.add_problems(error.problems)
        else:
            flash(f"Compte créé : {user.name}.", "success")
            return redirect(url_for("console.users"))
    return render_template("console/user_new.html", form=form, active="users")


def _user_or_404(user_id: int) -> StaffUser:
    user = db().get(StaffUser, user_id)
    if user is None:
        abort(404)
    return user


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@roles_required(ADMIN)
def user_edit(user_id: int) -> str | Response:
    user = _user_or_404(user_id)
    form = UserEditForm(obj=user)
    if form.validate_on_submit():
        try:
            changed = update_user(
                db(),
                user,
                actor=current_staff(),
                ip=client_ip(),
                name=form.name.data or "",
                role=form.role.data or "",
                partner=form.partner.data,
                provinces=form.provinces.data or [],
                phone=form.phone.data,
                active=form.active.data,
            )
        except StaffError as error:
            form.add_problems(error.problems)
        else:
            flash("Compte modifié." if changed else "Aucun changement.", "success")
            return redirect(url_for("console.users"))
    return render_template(
        "console/user_edit.html",
        form=form,
        user=user,
        password_form=PasswordResetForm(formdata=None),
        active="users",
    )


@bp.post("/users/<int:user_id>/password")
@roles_required(ADMIN)
def user_password(user_id: int) -> str | Response:
    user = _user_or_404(user_id)
    password_form = PasswordResetForm()
    if password_form.validate_on_submit():
        try:
            set_password(
                db(), user, password_form.password.data or "", actor=current_staff(), ip=client_ip()
            )
        except StaffError as error:
            password_form.add_problems(error.problems)
        else:
            if user.id == current_staff().id:  # her own: stay signed in on this device
                login_user(ConsoleUser(user))
            flash(f"Nouveau mot de passe enregistré pour {user.name}.", "success")
            return redirect(url_for("console.users"))
    return render_template(
        "console/user_edit.html",
        form=UserEditForm(formdata=None, obj=user),
        user=user,
        password_form=password_form,
        active="users",
    )
