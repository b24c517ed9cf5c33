from django.urls import path

from . import views

app_name = "management"
urlpatterns = [
    path("people/<uuid:person_id>/management/", views.person_page, name="person"),
    path("people/<uuid:person_id>/visit/", views.visit_page, name="visit"),
    path("management/overdue/", views.overdue_page, name="overdue"),
    path("management/caseload/", views.caseload_page, name="caseload"),
    path("management/capacity/", views.capacity_page, name="capacity"),
]
