"""Files the operations app keeps for a case (the export ZIP), for case deletion."""

from secondopinion.operations.models import CaseExport


def case_files(case) -> list[str]:
    return list(
        CaseExport.objects.filter(case=case)
        .exclude(file_name="")
        .values_list("file_name", flat=True)
    )
