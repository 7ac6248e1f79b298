"""How the access walk (tests/test_access.py) makes records objects."""

from secondopinion.records.models import PortalImport
from tests.records.helpers import make_document, make_study


def _series(case):
    return make_study(case).series.first().public_id


MAKERS = {
    "document_id": lambda case: make_document(case).public_id,
    "import_id": lambda case: make_study(case).disc_import.public_id,
    "study_id": lambda case: make_study(case).public_id,
    "series_id": _series,
    "slice_number": lambda case: 1,  # the one image of make_study's series
}


def _portal_import(case):
    return PortalImport.objects.create(
        case=case, source_name="portal.json", status="check"
    ).public_id


MAKERS["portal_import_id"] = _portal_import
