from django import template
from django.urls import resolve, reverse

from secondopinion.cases.navigation import CASE_SECTIONS
from secondopinion.core.words import count

register = template.Library()


def _may_open(url: str, role: str | None) -> bool:
    access = getattr(resolve(url).func, "case_access", "read")  # set by cases.access.case_view
    if access == "owner":
        return role == "owner"
    if access == "write":
        return role in ("owner", "editor")
    return True


@register.inclusion_tag("cases/_case_nav.html", takes_context=True)
def case_nav(context, case):
    current = context["request"].path
    links = []
    for label, url_name in CASE_SECTIONS:
        url = reverse(url_name, args=[case.public_id])
        if not _may_open(url, getattr(case, "role", None)):
            continue  # a caregiver who may only look sees no link to a page that would refuse them
        links.append({"label": label, "url": url, "current": url == current})
    return {"links": links}


@register.filter
def days_phrase(days):
    """Plain words for a count of days left."""
    if days is None:
        return "No safe-to-wait date yet"
    if days < 0:
        return f"The safe-to-wait date passed {count(-days, 'day')} ago"
    if days == 0:
        return "Today is the last safe day to wait"
    return f"{count(days, 'day')} left before the safe-to-wait date"
