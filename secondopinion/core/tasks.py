"""A do-nothing task that proves the queue works end to end (used by `secondopinion queue-check`)."""

from django_tasks import task


@task()
def queue_ping(token: str) -> str:
    return token
