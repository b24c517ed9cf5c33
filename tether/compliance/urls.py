from django.urls import path

from . import views

app_name = "compliance"
urlpatterns = [
    path("tasks/", views.tasks_mine, name="tasks"),
    path("tasks/queue/", views.tasks_queue, name="queue"),
    path("tasks/<int:task_id>/", views.task_page, name="task"),
    path("tasks/<int:task_id>/assign/", views.task_assign_view, name="task_assign"),
    path("compliance/overdue/", views.overdue, name="overdue"),
    path("compliance/sla/", views.sla, name="sla"),
    path("compliance/playbook/", views.playbook_page, name="playbook"),
]
