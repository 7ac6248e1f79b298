from django.contrib import messages
from django.contrib.auth import login, update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from secondopinion.accounts.audit import audit_record
from secondopinion.accounts.forms import SigninForm, SignupForm


def signup(request):
    if request.user.is_authenticated:
        return redirect("cases:list")
    form = SignupForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        audit_record(action="account.created", request=request, user=user)
        messages.success(request, "Welcome. Your account is ready.")
        return redirect("cases:list")
    return render(request, "accounts/signup.html", {"form": form})


class SigninView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = SigninForm
    redirect_authenticated_user = True

    def form_valid(self, form):
        response = super().form_valid(form)
        audit_record(action="signin.success", request=self.request, user=form.get_user())
        return response

    def form_invalid(self, form):
        audit_record(action="signin.failure", request=self.request)
        return super().form_invalid(form)


@require_POST
def signout(request):
    from django.contrib.auth import logout

    if request.user.is_authenticated:
        audit_record(action="signout", request=request)
    logout(request)
    messages.info(request, "You are signed out.")
    return redirect("accounts:login")


@login_required
def password_change(request):
    form = PasswordChangeForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        update_session_auth_hash(request, user)
        audit_record(action="password.changed", request=request)
        messages.success(request, "Your password is changed.")
        return redirect("cases:list")
    return render(request, "accounts/password_change.html", {"form": form})
