from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AnalyticsConfig(AppConfig):
    name = "analytics"
    verbose_name = _("Analytics")

    def ready(self) -> None:
        from competencies.signals import evidence_recorded

        from .receivers import evidence_recorded as on_evidence

        evidence_recorded.connect(on_evidence, dispatch_uid="analytics-evidence-recorded")
