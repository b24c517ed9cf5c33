from django.urls import path

from . import views, views_changes, views_prescribed, views_transfers, views_travel

app_name = "register"
urlpatterns = [
    path("people/new/", views.person_create_view, name="person_create"),
    path("people/<uuid:person_id>/", views.person_detail, name="person"),
    path("people/<uuid:person_id>/notifications/new/", views_changes.notification_create, name="notification_create"),
    path("people/<uuid:person_id>/names/new/", views_changes.name_record_view, name="name_record"),
    path("people/<uuid:person_id>/addresses/new/", views_changes.address_record_view, name="address_record"),
    path("people/<uuid:person_id>/identity/", views_changes.identity_update_view, name="identity_update"),
    # travel (s.86), stays, advance notices (views_travel)
    path("people/<uuid:person_id>/trips/new/", views_travel.trip_create, name="trip_create"),
    path("people/<uuid:person_id>/trips/<int:number>/", views_travel.trip_update, name="trip_update"),
    path("people/<uuid:person_id>/trips/<int:number>/return/", views_travel.trip_return, name="trip_return"),
    path("people/<uuid:person_id>/trips/<int:number>/cancel/", views_travel.trip_cancel_view, name="trip_cancel"),
    path("people/<uuid:person_id>/stays/new/", views_travel.stay_create, name="stay_create"),
    path("people/<uuid:person_id>/stays/<int:stay_id>/end/", views_travel.stay_end_view, name="stay_end"),
    path("people/<uuid:person_id>/addresses/<int:address_id>/end/", views_travel.address_end_view,
         name="address_end"),
    path("people/<uuid:person_id>/advance-notices/new/", views_travel.advance_notice_create,
         name="advance_notice_create"),
    path("travelling-now/", views_travel.travelling_now_view, name="travelling_now"),
    # transfers between forces
    path("people/<uuid:person_id>/transfer/", views_transfers.transfer_start_view, name="transfer_start"),
    path("transfers/", views_transfers.transfers_view, name="transfers"),
    path("transfers/<int:transfer_id>/accept/", views_transfers.transfer_accept_view, name="transfer_accept"),
    path("transfers/<int:transfer_id>/refuse/", views_transfers.transfer_refuse_view, name="transfer_refuse"),
    # the 2012 prescribed items (register.prescribed)
    path("people/<uuid:person_id>/prescribed/<item>/new/", views_prescribed.prescribed_record_view,
         name="prescribed_record"),
    path("people/<uuid:person_id>/prescribed/<int:item_id>/end/", views_prescribed.prescribed_end_view,
         name="prescribed_end"),
]
