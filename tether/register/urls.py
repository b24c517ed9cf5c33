from django.urls import path

from . import views, views_changes, views_legal, views_partners, views_prescribed, views_transfers, views_travel

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
    path("people/<uuid:person_id>/prescribed/<int:item_id>/entered-in-error/", views_prescribed.prescribed_error_view,
         name="prescribed_error"),
    # the legal record (views_legal)
    path("people/<uuid:person_id>/disposals/new/", views_legal.disposal_record_view, name="disposal_record"),
    path("people/<uuid:person_id>/periods/new/", views_legal.detention_record_view, name="detention_record"),
    path("people/<uuid:person_id>/periods/<int:detention_id>/release/", views_legal.detention_release_view,
         name="detention_release"),
    path("people/<uuid:person_id>/orders/new/", views_legal.order_record_view, name="order_record"),
    path("people/<uuid:person_id>/orders/<int:order_id>/", views_legal.order_update_view, name="order_update"),
    path("people/<uuid:person_id>/reviews/new/", views_legal.review_apply_view, name="review_apply"),
    path("people/<uuid:person_id>/reviews/<int:review_id>/decision/", views_legal.review_decide_view,
         name="review_decide"),
    path("people/<uuid:person_id>/reviews/<int:review_id>/appeal/", views_legal.review_appeal_view,
         name="review_appeal"),
    path("people/<uuid:person_id>/removals/new/", views_legal.removal_record_view, name="removal_record"),
    path("partners/", views_partners.partners_page, name="partners"),
    path("partners/<int:user_id>/", views_partners.partner_page, name="partner"),
    path("partners/<int:user_id>/end/", views_partners.partner_end_view, name="partner_end"),
]
