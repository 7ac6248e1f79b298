"""How the access walk (tests/test_access.py) makes a background job of a case (Try again)."""

from secondopinion.core.models import Job


def _job(case):
    return Job.objects.create(kind="packet", key=1, case_pk=case.pk, state="failed").public_id


MAKERS = {"job_id": _job}
