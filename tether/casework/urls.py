from django.urls import path

from . import case_views, views

app_name = "casework"
urlpatterns = [
    path("tasks/", views.tasks_mine, name="tasks"),
    path("tasks/queue/", views.tasks_queue, name="queue"),
    path("tasks/<int:task_id>/", views.task_page, name="task"),
    path("tasks/<int:task_id>/assign/", views.task_assign_view, name="task_assign"),
    path("compliance/overdue/", views.overdue, name="overdue"),
    path("compliance/sla/", views.sla, name="sla"),
    path("compliance/playbook/", views.playbook_page, name="playbook"),
    path("cases/", case_views.case_list, name="cases"),
    path("cases/<int:case_id>/", case_views.case_page, name="case"),
    path("cases/<int:case_id>/actions/", case_views.case_action, name="action"),
    path("cases/<int:case_id>/events/", case_views.case_event, name="event"),
]
