"""Case pages the owner alone may open: who can see the case (sharing) and what happened (activity)."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from secondopinion.accounts import sharing
from secondopinion.accounts.forms import InviteForm, InviteLinkForm, RoleForm
from secondopinion.accounts.models import CaseInvite, CaseMembership, User
from secondopinion.accounts.sharing import SharingError
from secondopinion.accounts.trail import trail_page
from secondopinion.cases.access import case_view

NO_MAIL_INVITE = (
    "This site cannot send email right now, so invites by email are off. Make an invite link "
    "below and send it to them yourself."
)


def _sharing_page(request, case, *, invite_form=None, link_form=None, new_link=None, status=200):
    invite_form = invite_form or InviteForm(prefix="invite")
    if settings.HOSTED and settings.EMAIL_SENDS:
        invite_form.fields["email"].help_text = "We email them an invite link."
    memberships = CaseMembership.objects.filter(case=case).select_related("user").order_by("id")
    open_links = [i for i in CaseInvite.objects.filter(case=case) if i.is_open]
    return render(
        request,
        "accounts/sharing.html",
        {
            "case": case,
            "memberships": [
                (m, RoleForm(initial={"role": m.role}, prefix=str(m.user.public_id)))
                for m in memberships
            ],
            "open_links": open_links,
            "invite_form": invite_form,
            "link_form": link_form or InviteLinkForm(prefix="link"),
            "new_link": new_link,
            "link_days": sharing.INVITE_LINK_DAYS,
            "invite_by_mail": settings.HOSTED and settings.EMAIL_SENDS,
            "invite_mail_off": NO_MAIL_INVITE
            if settings.HOSTED and not settings.EMAIL_SENDS
            else "",
        },
        status=status,
    )


@case_view(owner=True)
def sharing_page(request, case):
    """GET: the page. POST: invite an existing account by email address."""
    if request.method != "POST":
        return _sharing_page(request, case)
    form = InviteForm(request.POST, prefix="invite")
    if form.is_valid() and settings.HOSTED and not settings.EMAIL_SENDS:
        # Hosted, the answer must not tell whether the address has an account, and without mail
        # the invite cannot go out: the same answer for every address.
        form.add_error("email", NO_MAIL_INVITE)
    elif form.is_valid() and settings.HOSTED and settings.EMAIL_SENDS:
        try:
            sharing.invite_email_send(
                case=case,
                email=form.cleaned_data["email"],
                role=form.cleaned_data["role"],
                request=request,
                created_by=request.user,
            )
        except SharingError as error:
            form.add_error("email", str(error))
        else:
            messages.success(
                request,
                f"We emailed an invite link to {form.cleaned_data['email']}. It works once, for "
                f"{sharing.INVITE_LINK_DAYS} days. They can make a free account on the way.",
            )
            return redirect("sharing:page", case.public_id)
    elif form.is_valid():
        try:
            membership = sharing.membership_invite(
                case=case,
                email=form.cleaned_data["email"],
                role=form.cleaned_data["role"],
                request=request,
            )
        except SharingError as error:
            form.add_error("email", str(error))
        else:
            messages.success(request, f"{membership.user} can now see this case.")
            return redirect("sharing:page", case.public_id)
    return _sharing_page(request, case, invite_form=form, status=400)


@case_view(owner=True)
def sharing_link_new(request, case):
    if request.method != "POST":
        return redirect("sharing:page", case.public_id)
    form = InviteLinkForm(request.POST, prefix="link")
    if not form.is_valid():
        return _sharing_page(request, case, link_form=form, status=400)
    _, token = sharing.invite_link_create(
        case=case, role=form.cleaned_data["role"], created_by=request.user, request=request
    )
    # Rendered straight into this response: the link is shown once and only its hash is kept.
    link = request.build_absolute_uri(reverse("accounts:invite_accept", args=[token]))
    return _sharing_page(request, case, new_link=link)


@case_view(owner=True)
def sharing_link_cancel(request, case, invite_id):
    if request.method == "POST":
        try:
            sharing.invite_link_revoke(case=case, invite_id=invite_id, request=request)
            messages.success(request, "The invite link is canceled. It no longer works.")
        except SharingError as error:
            messages.error(request, str(error))
    return redirect("sharing:page", case.public_id)


@case_view(owner=True)
def sharing_person(request, case, person_id):
    """POST with role=viewer|editor changes access; POST with remove=1 stops sharing."""
    person = get_object_or_404(User, public_id=person_id, memberships__case=case)
    if request.method != "POST":
        return redirect("sharing:page", case.public_id)
    try:
        if request.POST.get("remove"):
            sharing.membership_revoke(case=case, person=person, request=request)
            messages.success(request, f"{person} can no longer see this case.")
        else:
            form = RoleForm(request.POST, prefix=str(person.public_id))
            if not form.is_valid():
                messages.error(request, "Choose what they may do: look, or look and change.")
                return redirect("sharing:page", case.public_id)
            sharing.membership_change(
                case=case, person=person, role=form.cleaned_data["role"], request=request
            )
            messages.success(request, f"Saved what {person} may do.")
    except SharingError as error:
        messages.error(request, str(error))
    return redirect("sharing:page", case.public_id)


@case_view(owner=True)
def activity(request, case):
    page, lines = trail_page(case=case, viewer=request.user, page_number=request.GET.get("page"))
    return render(request, "accounts/activity.html", {"case": case, "page": page, "lines": lines})
