"""A job for the worker log test: it fails the way a job that sends a share link could, with the
link's address in its error (the log must still not show the token)."""

from django_tasks import task


@task()
def share_notify(link_url: str) -> None:
    raise ConnectionError(f"the mail server refused the message with {link_url}")
