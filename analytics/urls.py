from django.urls import include, path

from . import views

app_name = "analytics"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("export/<str:table>.<str:fmt>", views.export, name="export"),
    path("briefing/", views.briefing_start, name="briefing_start"),
    path("briefing/<uuid:job_id>/", views.briefing_status, name="briefing_status"),
    path("briefing/<uuid:job_id>/pdf", views.briefing_download, name="briefing_download"),
    path("me/", views.my_profile, name="my_profile"),
    path("me/export.<str:fmt>", views.my_profile_export, name="my_profile_export"),
    path("plan/", include("analytics.planning_urls")),
]
