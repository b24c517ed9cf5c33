from django.urls import path

from . import views, views_changes, views_partners

app_name = "register"
urlpatterns = [
    path("people/new/", views.person_create_view, name="person_create"),
    path("people/<uuid:person_id>/", views.person_detail, name="person"),
    path("people/<uuid:person_id>/notifications/new/", views_changes.notification_create, name="notification_create"),
    path("people/<uuid:person_id>/names/new/", views_changes.name_record_view, name="name_record"),
    path("people/<uuid:person_id>/addresses/new/", views_changes.address_record_view, name="address_record"),
    path("people/<uuid:person_id>/identity/", views_changes.identity_update_view, name="identity_update"),
    path("partners/", views_partners.partners_page, name="partners"),
    path("partners/<int:user_id>/", views_partners.partner_page, name="partner"),
    path("partners/<int:user_id>/end/", views_partners.partner_end_view, name="partner_end"),
]
