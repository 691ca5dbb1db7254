"""The JSON API (django-ninja, OpenAPI at /api/docs). Each app contributes a router."""

from django.contrib.auth.decorators import login_required
from ninja import NinjaAPI
from ninja.security import django_auth

api = NinjaAPI(
    title="Shuzhi API",
    version="1",
    urls_namespace="api",
    auth=django_auth,
    docs_url="/docs",
    docs_decorator=login_required,
)
