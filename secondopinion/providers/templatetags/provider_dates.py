"""`{% date_conflicts_panel case %}`: the case's date conflicts, for any page that shows dates."""

from django import template
from django.utils import timezone

from secondopinion.providers.case_dates import case_date_conflicts

register = template.Library()


@register.inclusion_tag("providers/_date_conflicts.html")
def date_conflicts_panel(case):
    return {"case": case, "conflicts": case_date_conflicts(case, today=timezone.localdate())}
