"""Template filters over core/words.py: the same names and counts as the letters and PDFs.

{% load words %}
{{ case.doctor_name|doctor }}              "Dr. Alan Reyes" (no second "Dr.")
{{ study.image_count|count:"image" }}      "1 image", "1,200 images"
{{ n|count:"study,studies" }}              irregular plural after a comma
{{ n|noun:"is,are" }}                      the word alone, for "3 services ... are"
{{ typed|sentence }}                       typed text ending in one full stop
"""

from __future__ import annotations

from django import template

from secondopinion.core import words

register = template.Library()


def _forms(arg: str) -> tuple[str, str]:
    one, _, many = arg.partition(",")
    return one, many


def _number(value: object) -> int | None:
    try:
        return round(float(str(value).replace(",", "")))
    except (TypeError, ValueError):
        return None


@register.filter
def doctor(name: object) -> str:
    return words.doctor_name(str(name or ""))


@register.filter
def count(value: object, arg: str) -> str:
    n = _number(value)
    if n is None:
        return ""
    return words.count(n, *_forms(arg))


@register.filter
def noun(value: object, arg: str) -> str:
    n = _number(value)
    return words.plural(1 if n is None else n, *_forms(arg))


@register.filter
def sentence(text: object) -> str:
    return words.sentence(str(text or ""))
