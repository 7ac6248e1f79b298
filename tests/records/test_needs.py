"""What a service asked for against what the vault holds."""

from secondopinion.records import needs

LABELS = {
    "pathology_report": "Pathology report",
    "imaging_studies": "Imaging studies",
    "imaging_reports": "Imaging reports",
    "pathology_slides": "Slides",
    "other": "Other",
}


def test_it_lists_missing_items_first():
    items = needs.checklist_build(
        asked=["pathology_report", "imaging_reports", "pathology_slides"],
        labels=LABELS,
        held_by_type={"pathology_report": 2},
        imaging_studies=0,
    )
    assert [(i.kind, i.status) for i in items] == [
        ("imaging_reports", "missing"),
        ("pathology_slides", "physical"),
        ("pathology_report", "present"),
    ]
    assert items[2].held == 2


def test_it_counts_imaging_studies_only_with_real_dicom():
    asked = ["imaging_studies"]
    report_only = needs.checklist_build(
        asked=asked,
        labels=LABELS,
        held_by_type={"imaging_study": 1, "imaging_report": 1},
        imaging_studies=0,
    )
    assert report_only[0].is_missing and "images" in report_only[0].hint
    with_dicom = needs.checklist_build(
        asked=asked, labels=LABELS, held_by_type={}, imaging_studies=1
    )
    assert with_dicom[0].status == "present"


def test_it_names_the_other_record_as_the_service_wrote_it():
    items = needs.checklist_build(
        asked=["other"],
        labels=LABELS,
        held_by_type={},
        imaging_studies=0,
        other_label="Tumor board notes",
    )
    assert needs.missing_labels(items) == ["Tumor board notes"]
