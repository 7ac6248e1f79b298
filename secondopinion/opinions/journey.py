"""The "send", "receive opinion" and "decide" stages of the journey dashboard.

Status is derived from data: packets made, links opened by a reviewer, opinions recorded, the
decision and the handoff to the local doctor. A constant number of queries.
"""

from __future__ import annotations

import datetime

from django.urls import reverse

from secondopinion.cases.journey import ATTENTION, DONE, STARTED, TODO, Stage


def stages(case, today: datetime.date) -> list[Stage]:
    from secondopinion.opinions.models import Decision, Handoff, LinkEvent, Opinion, PacketBuild

    home = reverse("opinions:home", args=[case.public_id])
    compare_url = reverse("opinions:compare", args=[case.public_id])
    packets = PacketBuild.objects.filter(case=case, status=PacketBuild.Status.DONE).count()
    failed = PacketBuild.objects.filter(case=case, status=PacketBuild.Status.FAILED).exists()
    links = case.share_links.count()
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

    if opinions:
        words = "opinion" if opinions == 1 else "opinions"
        receive = Stage(
            "receive",
            "Receive the opinion",
            DONE,
            f"{opinions} {words} recorded.",
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

    if decision and handoff and handoff.loop_closed:
        decide = Stage(
            "decide",
            "Decide with your doctors",
            DONE,
            "Your decision is recorded and your local doctor has answered.",
            "See your decision",
            compare_url,
            80,
        )
    elif decision:
        decide = Stage(
            "decide",
            "Decide with your doctors",
            STARTED,
            "Your decision is recorded. Give the one-page summary to your local doctor.",
            "Summary for your doctor",
            reverse("opinions:handoff", args=[case.public_id]),
            80,
        )
    elif opinions:
        decide = Stage(
            "decide",
            "Decide with your doctors",
            STARTED,
            "Compare the opinions with your first plan and your goals.",
            "Compare and decide",
            compare_url,
            80,
        )
    else:
        decide = Stage(
            "decide",
            "Decide with your doctors",
            TODO,
            "Once an opinion arrives, compare it with your first plan and your goals.",
            "",
            "",
            80,
        )
    return [send, receive, decide]
