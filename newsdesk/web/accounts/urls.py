from django.urls import path

from newsdesk.web.accounts import views

urlpatterns = [
    path("me/", views.profile, name="reader_profile"),
    path("me/export.json", views.export, name="reader_export"),
    path("me/delete/", views.delete, name="reader_delete"),
]
