from django.urls import path

from secondopinion.accounts import views

app_name = "accounts"
urlpatterns = [
    path("", views.account, name="account"),
    path("signup/", views.signup, name="signup"),
    path("signup/confirm/<uidb64>/<token>/", views.signup_verify, name="signup_verify"),
    path("login/", views.SigninView.as_view(), name="login"),
    path("login/code/", views.signin_code, name="login_code"),
    path("logout/", views.signout, name="logout"),
    path("password/", views.password_change, name="password_change"),
    path("email/", views.email_change, name="email_change"),
    path("confirm-password/", views.password_confirm, name="password_confirm"),
    path("sessions/end-others/", views.sessions_end_others, name="sessions_end_others"),
    path("two-factor/", views.twofactor_status, name="twofactor"),
    path("two-factor/setup/", views.twofactor_setup, name="twofactor_setup"),
    path("two-factor/turn-off/", views.twofactor_disable, name="twofactor_disable"),
    path("two-factor/new-codes/", views.twofactor_codes, name="twofactor_codes"),
    path("password-reset/", views.ResetRequestView.as_view(), name="password_reset"),
    path("password-reset/sent/", views.ResetDoneView.as_view(), name="password_reset_done"),
    path(
        "password-reset/<uidb64>/<token>/",
        views.ResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path("password-reset/done/", views.ResetCompleteView.as_view(), name="password_reset_complete"),
    path("invite/<str:token>/", views.invite_accept, name="invite_accept"),
]
