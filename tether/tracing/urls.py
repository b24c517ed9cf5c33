from django.urls import path

from . import views

app_name = "tracing"
urlpatterns = [
    path("tracing/", views.index, name="index"),
    path("tracing/leads/", views.leads, name="leads"),
    path("tracing/leads/<int:lead_id>/", views.lead, name="lead"),
    path("tracing/upload/", views.upload, name="upload"),
    path("tracing/statistics/", views.statistics, name="statistics"),
    path("tracing/duplicates/", views.duplicates, name="duplicates"),
]
