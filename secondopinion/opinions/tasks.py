"""Background work for the opinions app. Tasks take ids and can run twice safely."""

from django_tasks import task

from secondopinion.opinions.writes import packet_run


@task()
def packet_build_task(build_pk: int) -> None:
    packet_run(build_pk=build_pk)
