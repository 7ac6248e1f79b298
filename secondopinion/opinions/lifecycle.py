"""Files the opinions app keeps for a case (packets, reports, rendered report pages), for
case deletion."""

from secondopinion.opinions.models import Opinion, PacketBuild


def case_files(case) -> list[str]:
    names = list(
        PacketBuild.objects.filter(case=case)
        .exclude(file_name="")
        .values_list("file_name", flat=True)
    )
    names += list(
        Opinion.objects.filter(case=case)
        .exclude(report_name="")
        .values_list("report_name", flat=True)
    )
    from secondopinion.opinions.report_pages import case_files as rendered_pages

    return names + rendered_pages(case)
