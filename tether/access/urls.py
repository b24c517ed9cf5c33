from django.urls import path

from . import views

app_name = "access"
urlpatterns = [
    path("sign-in/two-factor/", views.two_factor_verify, name="two_factor"),
    path("sign-in/two-factor/setup/", views.two_factor_setup, name="two_factor_setup"),
]
