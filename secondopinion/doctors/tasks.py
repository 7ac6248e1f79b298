"""Background lookups. The page that asked only reads DoctorResearch.status/step/card."""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from django_tasks import task

from secondopinion.core.jobrules import is_transient
from secondopinion.core.jobs import JobKind, job_run
from secondopinion.doctors.clients.research import clients_create, doctor_research
from secondopinion.doctors.models import (
    DatabaseCache,
    DoctorResearch,
    ResearchStatus,
    cached_answers_prune,
)
from secondopinion.doctors.topics import query_for

log = logging.getLogger(__name__)
# Answers older than this are of little use even as an offline fallback; drop them.
CACHE_KEEP = timedelta(days=180)
DOCTOR_RESEARCH = "doctor_research"  # the job kind (core/jobs.py)
FAILED_MESSAGE = "Something went wrong while looking this doctor up. Please try again later."


@task()
def doctor_research_run(research_pk: int) -> None:
    """Ask the three registries and store the evidence card. Safe to run twice."""
    with job_run(DOCTOR_RESEARCH, research_pk) as go:
        if go:
            _research(research_pk)


def _research(research_pk: int) -> None:
    research = DoctorResearch.objects.select_related("case").filter(pk=research_pk).first()
    if research is None:
        return  # deleted while queued
    DoctorResearch.objects.filter(pk=research.pk).update(
        status=ResearchStatus.RUNNING, step="", error=""
    )

    def progress(step: str) -> None:
        DoctorResearch.objects.filter(pk=research.pk).update(step=step)

    clients = clients_create(
        email=settings.CONTACT_EMAIL,
        api_key=settings.NCBI_API_KEY,
        cache=DatabaseCache(),
        budgets=settings.DOCTOR_LOOKUP_BUDGETS,
    )
    try:
        card = doctor_research(
            query_for(research),
            clients=clients,
            today=timezone.localdate(),
            progress=progress,
        )
    except Exception as exc:  # noqa: BLE001 - any failure is shown as a plain "try again later"
        if is_transient(exc):
            raise  # the network or the database: the job lifecycle tries again later
        # Ids only in the log: the doctor's name could hint at the patient's illness, and an
        # exception's message (and so a logged traceback) may quote the name or the query.
        log.error("doctor research %s failed (%s)", research.pk, type(exc).__name__)
        DoctorResearch.objects.filter(pk=research.pk).update(
            status=ResearchStatus.FAILED,
            error=FAILED_MESSAGE,
            finished_at=timezone.now(),
        )
        return
    finally:
        clients.close()
    DoctorResearch.objects.filter(pk=research.pk).update(
        status=ResearchStatus.DONE, step="done", card=card.to_dict(), finished_at=timezone.now()
    )
    cached_answers_prune(older_than=timezone.now() - CACHE_KEEP)
    log.info("doctor research %s done (%d problems)", research.pk, len(card.problems))


def _fail(research_pk: int, message: str) -> None:
    DoctorResearch.objects.filter(pk=research_pk).update(
        status=ResearchStatus.FAILED, error=message, finished_at=timezone.now()
    )


def _requeue(research_pk: int) -> bool:
    return bool(
        DoctorResearch.objects.filter(pk=research_pk).update(
            status=ResearchStatus.QUEUED, step="", error=""
        )
    )


def _case_of(research_pk: int) -> int | None:
    return DoctorResearch.objects.filter(pk=research_pk).values_list("case_id", flat=True).first()


def job_kind() -> JobKind:
    return JobKind(
        name=DOCTOR_RESEARCH,
        task=doctor_research_run,
        on_fail=_fail,
        requeue=_requeue,
        case_of=_case_of,
        fail_message=FAILED_MESSAGE,
    )
