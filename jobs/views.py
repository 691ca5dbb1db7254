from django.http import Http404, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from .selectors import job_for


@require_GET
@never_cache
def job_status(request, job_id):
    """JSON the progress bar polls: status, done/total, percent and, when finished, the result."""
    job = job_for(request.user, str(job_id))
    if job is None:
        raise Http404
    return JsonResponse(
        {
            "id": str(job.id),
            "kind": job.kind,
            "status": job.status,
            "status_label": job.get_status_display(),
            "done": job.done,
            "total": job.total,
            "percent": job.percent,
            "message": job.message,
            "finished": job.finished,
            "result": job.result if job.finished else {},
        }
    )
