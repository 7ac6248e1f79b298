from django.urls import path

from secondopinion.accounts import views

app_name = "accounts"
urlpatterns = [
    path("signup/", views.signup, name="signup"),
    path("login/", views.SigninView.as_view(), name="login"),
    path("logout/", views.signout, name="logout"),
    path("password/", views.password_change, name="password_change"),
]
