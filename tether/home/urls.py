from django.urls import path

from . import views

app_name = "home"
urlpatterns = [
    path("health", views.health, name="health"),
    path("", views.dashboard, name="dashboard"),
    path("rules/", views.rules, name="rules"),
]
