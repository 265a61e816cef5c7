"""Supervisor's tools on the cases blueprint: transfers, workload, bulk assign, saved filters,
and the template helpers the case page uses for them (WhatsApp hand-off, pending transfer)."""

from __future__ import annotations

from urllib.parse import urlencode

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from krs import access
from krs.cases import saved_filters, service, transfer, whatsapp, workload
from krs.cases.desk_forms import BulkAssignForm, SaveFilterForm, TransferDecisionForm, TransferForm
from krs.cases.routes import bp
from krs.extensions import db, htmx
from krs.htmx_views import fragment_for, render_page_or_fragment
from krs.models import TransferStatus, Unit, User
from krs.pagination import id_or_none


@bp.app_template_global()
def case_whatsapp_link(case, survey_url=None):
    return whatsapp.whatsapp_link(current_user._get_current_object(), case, survey_url)


@bp.app_template_global()
def my_saved_filters():
    return saved_filters.filters_of(current_user) if current_user.is_authenticated else []


# ---------------------------------------------------------------- transfers


@bp.route("/<int:case_id>/transfer", methods=["GET", "POST"], endpoint="transfer")
def transfer_case(case_id: int):
    case = access.get_case_or_404(current_user, case_id, action="transfer")
    form = TransferForm(version=case.version)
    form.to_unit_id.choices = [(u.id, u.name) for u in access.transfer_target_units(current_user, case)]
    pending = transfer.pending_transfer_of(case)
    error = None
    if request.method == "POST" and pending is not None:
        # the page shows no form while a transfer waits: say why the submission was refused
        error = _("Kasus ini sudah menunggu keputusan pemindahan.")
    elif form.validate_on_submit():
        to_unit = db.session.get(Unit, form.to_unit_id.data)
        try:
            transfer.request_transfer(current_user, case, to_unit, form.reason.data, form.expected_version())
        except service.CaseError as exc:
            db.session.rollback()
            error = str(exc)
        else:
            flash(
                _("Pemindahan ke %(unit)s diajukan; menunggu keputusan unit tujuan.", unit=to_unit.name),
                "success",
            )
            return redirect(url_for("cases.detail", case_id=case.id))
    elif request.method == "POST":
        error = _("Data belum lengkap atau belum benar. Periksa isian bertanda merah di bawah.")
        if form.version.errors:  # the hidden version has no place of its own on the page
            error = _("Sesi formulir kedaluwarsa. Muat ulang halaman lalu coba lagi.")
    status = 422 if request.method == "POST" else 200
    return render_template("cases/transfer.html", case=case, form=form, pending=pending, error=error), status


@bp.get("/transfers")
def transfers():
    return render_template(
        "cases/transfers.html",
        pending=transfer.pending_transfers_for(current_user),
        recent=transfer.recent_transfers_for(current_user),
    )


@bp.route("/transfers/<int:transfer_id>", methods=["GET", "POST"])
def transfer_review(transfer_id: int):
    item = access.get_transfer_or_404(current_user, transfer_id)
    may_decide = item.is_pending and access.can_decide_transfer(current_user, item)
    form = TransferDecisionForm()
    error = None
    if request.method == "POST":
        if not may_decide:
            # the sending side and the Direktorat's evaluators see the transfer but cannot decide it
            error = _("Hanya supervisor unit tujuan yang dapat memutuskan pemindahan yang masih menunggu.")
        elif form.validate_on_submit():
            try:
                if form.decision.data == "accept":
                    case = transfer.accept_transfer(current_user, item, form.comment.data or "")
                    flash(
                        _(
                            "Pemindahan diterima. Kasus %(number)s kini ditangani unit Anda.",
                            number=case.number,
                        ),
                        "success",
                    )
                    return redirect(url_for("cases.detail", case_id=case.id))
                transfer.reject_transfer(current_user, item, form.comment.data or "")
                flash(_("Pemindahan ditolak; unit asal diberi tahu."), "success")
                return redirect(url_for("cases.transfers"))
            except service.CaseError as exc:
                db.session.rollback()
                error = str(exc)
        else:
            error = _("Pilih terima atau tolak.")
    return render_template(
        "cases/transfer_review.html",
        transfer=item,
        may_decide=may_decide,
        shows_case=access.can_see_transferred_case(current_user, item),
        form=form,
        error=error,
    ), (422 if error else 200)


# ---------------------------------------------------------------- workload and bulk assign


@bp.get("/workload", endpoint="workload")
def workload_view():
    context = {
        "rows": workload.workload_for(current_user),
        "pending_transfers": transfer.pending_transfers_for(current_user),
        "shows_unit_column": access.is_national(current_user),
    }
    return render_page_or_fragment("cases/workload.html", {"workload": "cases/_workload.html"}, **context)


@bp.post("/bulk-assign")
def bulk_assign():
    form = BulkAssignForm()
    form.assignee_id.choices = [(u.id, u.full_name) for u in access.bulk_assignees(current_user)]
    back = request.form.get("next") or url_for("cases.list_cases", view="unassigned")
    if not back.startswith("/") or back.startswith("//"):
        back = url_for("cases.list_cases")
    ids = [int(v) for v in request.form.getlist("case_ids") if id_or_none(v)][:200]
    if not form.validate_on_submit():
        messages = [_("Pilih petugas yang akan ditugaskan.")]
        result = None
    else:
        assignee = db.session.get(User, form.assignee_id.data)
        result = workload.bulk_assign(current_user, ids, assignee)
        messages = []
        if result.assigned:
            messages.append(
                _("%(n)s kasus ditugaskan kepada %(name)s.", n=len(result.assigned), name=assignee.full_name)
            )
        for number, reason in result.refused:
            messages.append(f"{number}: {reason}" if number else reason)
    if fragment := fragment_for({"bulk-result": "cases/_bulk_result.html"}):
        resp = render_template(fragment, result=result, messages=messages)
        return resp, 200, {"HX-Trigger": "casesChanged"}  # the list's rows refresh themselves
    ok = bool(result and result.assigned)
    for m in messages:
        flash(m, "success" if ok and m == messages[0] else "error")
    return redirect(back)


# ---------------------------------------------------------------- saved filters


@bp.post("/filters")
def save_filter():
    """Save the list's current filters under a name. With htmx the live filter form is included
    (the URL may have changed since the page was drawn); without it the page's own query string."""
    form = SaveFilterForm()
    live = [(k, request.form[k]) for k in saved_filters.FILTER_KEYS if request.form.get(k)]
    query = saved_filters.clean_query(urlencode(live) if live else (form.query.data or ""))
    target = url_for("cases.list_cases") + (f"?{query}" if query else "")
    if form.validate_on_submit():
        try:
            saved = saved_filters.save_filter(current_user, form.name.data, query)
        except saved_filters.FilterError as exc:
            flash(str(exc), "error")
        else:
            flash(_("Filter \u201c%(name)s\u201d disimpan.", name=saved.name), "success")
    else:
        flash(_("Beri nama filter."), "error")
    if htmx:
        return "", 204, {"HX-Redirect": target}
    return redirect(target)


@bp.post("/filters/delete")
def delete_filter():
    raw = request.form.get("filter_id", "")
    if id_or_none(raw) is None:
        flash(_("Pilih filter yang akan dihapus."), "error")
        return redirect(url_for("cases.list_cases"))
    saved = saved_filters.get_own_filter(current_user, int(raw))
    if saved is None:
        abort(404)
    saved_filters.delete_filter(current_user, saved)
    flash(_("Filter dihapus."), "success")
    return redirect(url_for("cases.list_cases"))


@bp.app_template_filter("transfer_status_label")
def transfer_status_label(value):
    return TransferStatus(value).label if TransferStatus.has(value) else value
