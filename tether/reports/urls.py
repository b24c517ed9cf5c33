from django.urls import path

from . import views

app_name = "reports"
urlpatterns = [
    path("", views.statistics_page, name="statistics"),
    path("cases/", views.cases_page, name="cases"),
    path("management/", views.management_page, name="management"),
    path("duties/", views.duties_page, name="duties"),
    path("foi/", views.foi, name="foi"),
    path("national/", views.national, name="national"),
    path("download/<slug:figure>.<slug:fmt>", views.download, name="download"),
]
