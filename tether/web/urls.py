from django.urls import path

from . import views

app_name = "web"
urlpatterns = [
    path("sign-in/", views.SignInView.as_view(), name="login"),
    path("sign-out/", views.sign_out, name="logout"),
    path("health", views.health, name="health"),
    path("", views.dashboard, name="dashboard"),
]
