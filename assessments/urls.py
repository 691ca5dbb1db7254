from django.urls import path

from . import views

app_name = "assessments"
urlpatterns = [
    path("", views.my_assessments, name="my_assessments"),
    path("<int:form_id>/start/", views.start, name="start"),
    path("attempt/<int:attempt_id>/", views.take, name="take"),
    path("attempt/<int:attempt_id>/autosave/", views.autosave, name="autosave"),
    path("attempt/<int:attempt_id>/submit/", views.submit, name="submit"),
    path("attempt/<int:attempt_id>/result/", views.result, name="result"),
]
