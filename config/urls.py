"""Root URLs. Pages people read live under i18n_patterns: Chinese at /, English at /en/."""

from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from portal import views as portal_views

from .api import api

urlpatterns = [
    path("healthz", portal_views.healthz, name="healthz"),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/", api.urls),
    path("jobs/", include("jobs.urls")),
]

urlpatterns += i18n_patterns(
    path("jsi18n/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("", include("portal.urls")),
    path("people/", include("people.urls")),
    path("courses/", include("courses.urls")),
    path("assessments/", include("assessments.urls")),
    path("analytics/", include("analytics.urls")),
    path("certificates/", include("certificates.urls")),
    path("", include(wagtail_urls)),
    prefix_default_language=False,
)

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns = static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT) + urlpatterns
