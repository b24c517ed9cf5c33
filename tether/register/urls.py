from django.urls import path

from . import views, views_changes, views_legal

app_name = "register"
urlpatterns = [
    path("people/new/", views.person_create_view, name="person_create"),
    path("people/<uuid:person_id>/", views.person_detail, name="person"),
    path("people/<uuid:person_id>/notifications/new/", views_changes.notification_create, name="notification_create"),
    path("people/<uuid:person_id>/names/new/", views_changes.name_record_view, name="name_record"),
    path("people/<uuid:person_id>/addresses/new/", views_changes.address_record_view, name="address_record"),
    path("people/<uuid:person_id>/identity/", views_changes.identity_update_view, name="identity_update"),
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
]
