from django.urls import path

from . import views

app_name = "courses"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("profile/", views.profile, name="profile"),
    path("programmes/<int:programme_id>/enrol/", views.enrol, name="enrol"),
    path("programmes/<int:programme_id>/unenrol/", views.unenrol, name="unenrol"),
    path("items/<int:page_id>/complete/", views.item_complete, name="item-complete"),
]
