from django.urls import path

from . import views

app_name = "cases"
urlpatterns = [
    path("", views.case_list, name="list"),
    path("<int:case_id>/", views.case_page, name="case"),
    path("<int:case_id>/actions/", views.case_action, name="action"),
    path("<int:case_id>/events/", views.case_event, name="event"),
]
