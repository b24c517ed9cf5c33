from django.urls import path

from . import views

app_name = "access"
urlpatterns = [
    path("sign-in/", views.SignInView.as_view(), name="login"),
    path("sign-out/", views.sign_out, name="logout"),
    path("sign-in/two-factor/", views.two_factor_verify, name="two_factor"),
    path("sign-in/two-factor/setup/", views.two_factor_setup, name="two_factor_setup"),
    path("accounts/", views.accounts_page, name="accounts"),
    path("accounts/<int:user_id>/", views.account_page, name="account"),
]
