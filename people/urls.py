from django.urls import path

from . import views

app_name = "people"
urlpatterns = [
    path("cadres/", views.cadre_list, name="cadre_list"),
    path("cadres/export.<str:fmt>", views.cadre_export, name="cadre_export"),
    path("cadres/<str:employee_no>/", views.cadre_detail, name="cadre_detail"),
    path("roster-template.<str:fmt>", views.roster_template, name="roster_template"),
]
