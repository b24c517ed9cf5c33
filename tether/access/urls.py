from django.urls import path

from . import views, views_admin

app_name = "access"
urlpatterns = [
    path("sign-in/", views.SignInView.as_view(), name="login"),
    path("sign-out/", views.sign_out, name="logout"),
    path("sign-in/two-factor/", views.two_factor_verify, name="two_factor"),
    path("sign-in/two-factor/setup/", views.two_factor_setup, name="two_factor_setup"),
    path("accounts/", views.accounts_page, name="accounts"),
    path("accounts/<int:user_id>/", views.account_page, name="account"),
    path("accounts/invite/", views_admin.invite_page, name="invite"),
    path("accounts/<int:user_id>/role/", views_admin.account_role, name="account_role"),
    path("accounts/<int:user_id>/status/", views_admin.account_status, name="account_status"),
    path("accounts/<int:user_id>/unlock/", views_admin.account_unlock, name="account_unlock"),
    path("accounts/<int:user_id>/tokens/", views_admin.account_tokens, name="account_tokens"),
    path("accounts/<int:user_id>/tokens/new/", views_admin.account_token_new, name="account_token_new"),
    path("accounts/<int:user_id>/invitation/", views_admin.account_invitation, name="account_invitation"),
    path("sign-in/invitation/<str:token>/", views_admin.invitation_page, name="invitation"),
]
