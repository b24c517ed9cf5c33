from django.urls import path

from . import views, views_changes

app_name = "management"
urlpatterns = [
    path("people/<uuid:person_id>/management/", views.person_page, name="person"),
    path("people/<uuid:person_id>/visit/", views.visit_page, name="visit"),
    path("people/<uuid:person_id>/management/risk-level/", views_changes.risk_level, name="risk_level"),
    path("people/<uuid:person_id>/management/assessment/", views_changes.assessment, name="assessment"),
    path("people/<uuid:person_id>/management/mappa/", views_changes.mappa, name="mappa"),
    path("people/<uuid:person_id>/management/mode/", views_changes.mode, name="mode"),
    path("people/<uuid:person_id>/management/manager/", views_changes.manager, name="manager"),
    path("people/<uuid:person_id>/management/intelligence/", views_changes.intelligence, name="intelligence"),
    path("management/overdue/", views.overdue_page, name="overdue"),
    path("management/caseload/", views.caseload_page, name="caseload"),
    path("management/capacity/", views.capacity_page, name="capacity"),
    path("management/policy/", views_changes.policy, name="policy"),
]
