from django.urls import path

from . import views

app_name = "courses"
urlpatterns = [
    path("", views.catalogue, name="catalogue"),
    path("<int:course_id>/enrol/", views.enrol, name="enrol"),
    path("lessons/<int:lesson_id>/heartbeat/", views.heartbeat, name="heartbeat"),
    path("lessons/<int:lesson_id>/checks/<str:block_id>/", views.answer, name="answer"),
    path("lessons/<int:lesson_id>/scenarios/<str:block_id>/", views.scenario, name="scenario"),
    path("assignments/", views.assignments, name="assignments"),
]
