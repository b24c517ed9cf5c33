from django.urls import path

from . import views

app_name = "identity"
urlpatterns = [
    path("people/", views.people, name="people"),
    path("people/duplicates/", views.duplicates, name="duplicates"),
    path("people/merge/", views.merge, name="merge"),
    path("people/merges/proposals/", views.proposals, name="proposals"),
    path("people/merges/<int:merge_id>/undo/", views.unmerge_view, name="unmerge"),
]
