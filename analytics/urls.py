from django.urls import include, path

app_name = "analytics"
urlpatterns: list = [
    path("plan/", include("analytics.planning_urls")),
]
