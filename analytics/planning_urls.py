"""Training plan and composite talent (included by analytics.urls under "plan/")."""

from django.urls import path

from . import planning_views as views

urlpatterns = [
    path("", views.plan, name="plan"),
    path("export.<str:fmt>", views.plan_export, name="plan_export"),
    path("composite/", views.composite, name="composite"),
    path("composite/export.<str:fmt>", views.composite_export, name="composite_export"),
]
