from django.urls import path

from . import manage_views, public_views, views

app_name = "certificates"
urlpatterns = [
    path("mine/", views.mine, name="mine"),
    path("<str:code>/certificate.pdf", views.pdf, name="pdf"),
    path("<str:code>/credential.jwt", views.credential, name="credential"),
    path("verify/", public_views.verify_form, name="verify_form"),
    path("verify/<str:code>/", public_views.verify, name="verify"),
    path("issuer.json", public_views.issuer, name="issuer"),
    path("jwks.json", public_views.jwks, name="jwks"),
    path("credentials/verify", public_views.verify_credential, name="verify_credential"),
    path("manage/", manage_views.listing, name="manage"),
    path("manage/<str:code>/revoke/", manage_views.revoke, name="revoke"),
    path("manage/batch/", manage_views.batch, name="batch"),
    path("manage/batch/<uuid:job_id>/", manage_views.batch_status, name="batch_status"),
    path(
        "manage/batch/<uuid:job_id>/archive.zip", manage_views.batch_download, name="batch_download"
    ),
]
