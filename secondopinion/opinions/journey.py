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


def stages(case, today: datetime.date) -> list[Stage]:
    home = reverse("opinions:home", args=[case.public_id])
    compare_url = reverse("opinions:compare", args=[case.public_id])
    packets = PacketBuild.objects.filter(case=case, status=PacketBuild.Status.DONE).count()
    failed = PacketBuild.objects.filter(case=case, status=PacketBuild.Status.FAILED).exists()
    counts = case.share_links.aggregate(
        links=Count("pk"), tried=Count("pk", filter=Q(failed_passcodes__gt=0, revoked_at=None))
    )
    links = counts["links"]
    reviewer_took = LinkEvent.objects.filter(
        link__case=case,
        action__in=[LinkEvent.Action.PACKET, LinkEvent.Action.FILE, LinkEvent.Action.REPORT],
    ).exists()
    sent_by_hand = case.services.exclude(records_sent_on=None).exists()
    opinions = Opinion.objects.filter(case=case).count()
    decision = Decision.objects.filter(case=case).exclude(choice="").first()
    handoff = Handoff.objects.filter(case=case).first()

    if reviewer_took or sent_by_hand:
        send = Stage(
            "send",
            "Send your case",
            DONE,
            "A service has your records.",
            "See what was sent",
            home,
            60,
        )
    elif failed and not packets:
        send = Stage(
            "send",
            "Send your case",
            ATTENTION,
            "A packet could not be made. See why and try again.",
            "See the packet",
            home,
            60,
        )
    elif packets or links:
        send = Stage(
            "send",
            "Send your case",
            STARTED,
            "Your packet or link is ready. Send it to the service.",
            "Send it",
            home,
            60,
        )
    else:
        send = Stage(
            "send",
            "Send your case",
            TODO,
            "Make a packet of your records, or a private link for the reviewing doctor.",
            "Make a packet",
            home,
            60,
        )

    if counts["tried"]:
        send.notes.append(
            "Someone typed a wrong passcode on a share link. Open the link's page to see how "
            "often and from where, and let everyone try again if it was the reviewing doctor."
        )
    if opinions:
        receive = Stage(
            "receive",
            "Receive the opinion",
            DONE,
            f"{count(opinions, 'opinion')} recorded.",
            "Compare them",
            compare_url,
            70,
        )
    elif send.status == DONE:
        receive = Stage(
            "receive",
            "Receive the opinion",
            STARTED,
            "Waiting for the written report. Add it when it comes.",
            "Add an opinion",
            reverse("opinions:opinion_new", args=[case.public_id]),
            70,
        )
    else:
        receive = Stage(
            "receive",
            "Receive the opinion",
            TODO,
            "The written report will appear here.",
            "",
            "",
            70,
        )

    return [send, receive, *_closing_stages(case, opinions, decision, handoff)]


def _day(value: datetime.date) -> str:
    return f"{value:%B} {value.day}, {value.year}"


def _closing_stages(case, opinions: int, decision, handoff) -> list[Stage]:
    """Compare and decide (80), give the summary to the local doctor (85), record their
    answer (90). Each moves the single next step forward; the last one carries the dates."""
    compare_url = reverse("opinions:compare", args=[case.public_id])
    handoff_url = reverse("opinions:handoff", args=[case.public_id])
    delivered = bool(handoff and handoff.delivered_on)
    answered = bool(delivered and handoff.response.strip())

    if decision:
        on = f" on {_day(decision.decided_on)}" if decision.decided_on else ""
        decide = Stage(
            "decide",
            "Compare and decide",
            DONE,
            f"You recorded your decision{on}.",
            "See your decision",
            compare_url,
            80,
        )
    elif opinions:
        decide = Stage(
            "decide",
            "Compare and decide",
            STARTED,
            "An opinion has arrived. Compare it with your first plan and your goals, then write "
            "down what you decide.",
            "Compare and decide",
            compare_url,
            80,
        )
    else:
        decide = Stage(
            "decide",
            "Compare and decide",
            TODO,
            "Once an opinion arrives, compare it with your first plan and your goals.",
            "",
            "",
            80,
        )

    if delivered:
        summary = f"You gave it to your local doctor on {_day(handoff.delivered_on)}."
        give = Stage(
            "handoff",
            "Give the summary to your local doctor",
            DONE,
            summary,
            "See it",
            handoff_url,
            85,
        )
    else:
        give = Stage(
            "handoff",
            "Give the summary to your local doctor",
            STARTED if decision else TODO,
            "Print or send the one-page summary to your local cancer doctor, then note the date "
            "you gave it."
            if decision
            else "After you decide, you give your local doctor a one-page summary.",
            "Summary for your doctor" if decision else "",
            handoff_url if decision else "",
            85,
        )

    if answered:
        dates = []
        first = case.opinions.order_by("received_on").values_list("received_on", flat=True)
        first_on = first.first()
        if first_on:
            dates.append(f"Opinion received: {_day(first_on)}")
        if decision and decision.decided_on:
            dates.append(f"Decision: {_day(decision.decided_on)}")
        dates.append(f"Summary given to your local doctor: {_day(handoff.delivered_on)}")
        if handoff.response_on:
            dates.append(f"Your local doctor answered: {_day(handoff.response_on)}")
        answer = Stage(
            "local_answer",
            "Record your local doctor's answer",
            DONE,
            "Your local doctor has the summary and answered.",
            "See their answer",
            handoff_url,
            90,
            dates=dates,
        )
    else:
        answer = Stage(
            "local_answer",
            "Record your local doctor's answer",
            STARTED if delivered else TODO,
            "Write down what your local doctor said about the opinions, and when."
            if delivered
            else "When your local doctor has read the summary, note what they said.",
            "Record their answer" if delivered else "",
            handoff_url if delivered else "",
            90,
        )
    return [decide, give, answer]
