"""The "send", "receive opinion" and "decide" stages of the journey dashboard.

Status is derived from data: packets made, links opened by a reviewer, opinions recorded, the
decision and the handoff to the local doctor. A constant number of queries.
"""

from __future__ import annotations

import datetime

from django.db.models import Count, Q
from django.urls import reverse

from secondopinion.cases.journey import ATTENTION, DONE, STARTED, TODO, Stage
from secondopinion.core.words import count
from secondopinion.opinions.models import Decision, Handoff, LinkEvent, Opinion, PacketBuild

# What each stage says, by (stage, status): its title, order, summary and action label. The
# functions below only decide the status and the link; a summary with {on} gets a date.
TITLES = {
    "send": ("Send your case", 60),
    "receive": ("Receive the opinion", 70),
    "decide": ("Compare and decide", 80),
    "handoff": ("Give the summary to your local doctor", 85),
    "local_answer": ("Record your local doctor's answer", 90),
}
WORDS: dict[tuple[str, str], tuple[str, str]] = {
    ("send", DONE): ("A service has your records.", "See what was sent"),
    ("send", ATTENTION): ("A packet could not be made. See why and try again.", "See the packet"),
    ("send", STARTED): ("Your packet or link is ready. Send it to the service.", "Send it"),
    ("send", TODO): (
        "Make a packet of your records, or a private link for the reviewing doctor.",
        "Make a packet",
    ),
    ("receive", DONE): ("{opinions} recorded.", "Compare them"),
    ("receive", STARTED): (
        "Waiting for the written report. Add it when it comes.",
        "Add an opinion",
    ),
    ("receive", TODO): ("The written report will appear here.", ""),
    ("decide", DONE): ("You recorded your decision{on}.", "See your decision"),
    ("decide", STARTED): (
        "An opinion has arrived. Compare it with your first plan and your goals, then write "
        "down what you decide.",
        "Compare and decide",
    ),
    ("decide", TODO): (
        "Once an opinion arrives, compare it with your first plan and your goals.",
        "",
    ),
    ("handoff", DONE): ("You gave it to your local doctor{on}.", "See it"),
    ("handoff", STARTED): (
        "Print or send the one-page summary to your local cancer doctor, then note the date "
        "you gave it.",
        "Summary for your doctor",
    ),
    ("handoff", TODO): ("After you decide, you give your local doctor a one-page summary.", ""),
    ("local_answer", DONE): ("Your local doctor has the summary and answered.", "See their answer"),
    ("local_answer", STARTED): (
        "Write down what your local doctor said about the opinions, and when.",
        "Record their answer",
    ),
    ("local_answer", TODO): (
        "When your local doctor has read the summary, note what they said.",
        "",
    ),
}
PASSCODE_TRIED = (
    "Someone typed a wrong passcode on a share link. Open the link's page to see how often and "
    "from where, and let everyone try again if it was the reviewing doctor."
)


def _stage(key: str, status: str, url: str, **values: str) -> Stage:
    """The stage `key` at `status`, in the words of WORDS; a stage still to do has no link."""
    title, order = TITLES[key]
    summary, action = WORDS[(key, status)]
    return Stage(
        key,
        title,
        status,
        summary.format(**values),
        action,
        url if action else "",
        order,
    )


def stages(case, today: datetime.date) -> list[Stage]:
    home = reverse("opinions:home", args=[case.public_id])
    packets = PacketBuild.objects.filter(case=case, status=PacketBuild.Status.DONE).count()
    failed = PacketBuild.objects.filter(case=case, status=PacketBuild.Status.FAILED).exists()
    counts = case.share_links.aggregate(
        links=Count("pk"), tried=Count("pk", filter=Q(failed_passcodes__gt=0, revoked_at=None))
    )
    reviewer_took = LinkEvent.objects.filter(
        link__case=case,
        action__in=[LinkEvent.Action.PACKET, LinkEvent.Action.FILE, LinkEvent.Action.REPORT],
    ).exists()
    sent_by_hand = case.services.exclude(records_sent_on=None).exists()
    opinions = Opinion.objects.filter(case=case).count()
    decision = Decision.objects.filter(case=case).exclude(choice="").first()
    handoff = Handoff.objects.filter(case=case).first()

    if reviewer_took or sent_by_hand:
        send = _stage("send", DONE, home)
    elif failed and not packets:
        send = _stage("send", ATTENTION, home)
    else:
        send = _stage("send", STARTED if packets or counts["links"] else TODO, home)
    if counts["tried"]:
        send.notes.append(PASSCODE_TRIED)

    if opinions:
        receive_status, receive_url = DONE, reverse("opinions:compare", args=[case.public_id])
    else:
        receive_status = STARTED if send.status == DONE else TODO
        receive_url = reverse("opinions:opinion_new", args=[case.public_id])
    receive = _stage("receive", receive_status, receive_url, opinions=count(opinions, "opinion"))
    return [send, receive, *_closing_stages(case, opinions, decision, handoff)]


def _day(value: datetime.date) -> str:
    return f"{value:%B} {value.day}, {value.year}"


def _on(value: datetime.date | None) -> str:
    return f" on {_day(value)}" if value else ""


def _closing_stages(case, opinions: int, decision, handoff) -> list[Stage]:
    """Compare and decide (80), give the summary to the local doctor (85), record their
    answer (90). Each moves the single next step forward; the last one carries the dates."""
    compare_url = reverse("opinions:compare", args=[case.public_id])
    handoff_url = reverse("opinions:handoff", args=[case.public_id])
    delivered = bool(handoff and handoff.delivered_on)
    answered = bool(delivered and handoff.response.strip())

    decide_status = DONE if decision else STARTED if opinions else TODO
    decide = _stage("decide", decide_status, compare_url, on=_on(decision and decision.decided_on))
    give_status = DONE if delivered else STARTED if decision else TODO
    give = _stage("handoff", give_status, handoff_url, on=_on(handoff and handoff.delivered_on))
    answer_status = DONE if answered else STARTED if delivered else TODO
    answer = _stage("local_answer", answer_status, handoff_url)
    if answered:
        answer.dates = _milestones(case, decision, handoff)
    return [decide, give, answer]


def _milestones(case, decision, handoff) -> list[str]:
    dates = []
    first_on = case.opinions.order_by("received_on").values_list("received_on", flat=True).first()
    if first_on:
        dates.append(f"Opinion received: {_day(first_on)}")
    if decision and decision.decided_on:
        dates.append(f"Decision: {_day(decision.decided_on)}")
    dates.append(f"Summary given to your local doctor: {_day(handoff.delivered_on)}")
    if handoff.response_on:
        dates.append(f"Your local doctor answered: {_day(handoff.response_on)}")
    return dates
