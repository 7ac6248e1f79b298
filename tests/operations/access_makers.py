"""How tests/test_access.py makes operations-app objects to prove their URLs are private."""

from secondopinion.operations.exporting import export_run
from secondopinion.operations.models import CaseExport


def _export(case):
    """A finished export, made through the real path (so its download answers the owner)."""
    return export_run(export_pk=CaseExport.objects.create(case=case).pk).public_id


MAKERS = {"export_id": _export}
