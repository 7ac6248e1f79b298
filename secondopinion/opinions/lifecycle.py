"""Files the opinions app keeps for a case (packets, reports), for case deletion."""

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
    names += (
        Opinion.objects.filter(case=case)
        .exclude(report_kept_name="")
        .values_list("report_kept_name", flat=True)
    )
    return names
