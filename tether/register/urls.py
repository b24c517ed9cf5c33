from django.urls import path

from . import views, views_changes, views_transfers

app_name = "register"
urlpatterns = [
    path("people/new/", views.person_create_view, name="person_create"),
    path("people/<uuid:person_id>/", views.person_detail, name="person"),
    path("people/<uuid:person_id>/notifications/new/", views_changes.notification_create, name="notification_create"),
    path("people/<uuid:person_id>/names/new/", views_changes.name_record_view, name="name_record"),
    path("people/<uuid:person_id>/addresses/new/", views_changes.address_record_view, name="address_record"),
    path("people/<uuid:person_id>/identity/", views_changes.identity_update_view, name="identity_update"),
    # transfers between forces
    path("people/<uuid:person_id>/transfer/", views_transfers.transfer_start_view, name="transfer_start"),
    path("transfers/", views_transfers.transfers_view, name="transfers"),
    path("transfers/<int:transfer_id>/accept/", views_transfers.transfer_accept_view, name="transfer_accept"),
    path("transfers/<int:transfer_id>/refuse/", views_transfers.transfer_refuse_view, name="transfer_refuse"),
]
