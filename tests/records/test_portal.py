"""The portal reader (pure core): every format, the codes, and every kind of bad input."""

from __future__ import annotations

import base64
import json
import re
import resource
import subprocess
import sys
import time
import tracemalloc
import zipfile
from pathlib import Path

import pytest

from secondopinion.records.portal import Limits, PortalRefused, codes, patient_warnings, portal_read
from tests.records import portal_bundles
from tests.records.helpers import pdf_bytes
from tests.records.portal_files import (
    BILLION_LAUGHS,
    EXTERNAL_ENTITY,
    PATHOLOGY_CCDA,
    SHARED,
    big_bundle,
    big_ccd,
    non_xml_ccda,
    xdm_zip,
)

pytestmark = pytest.mark.skipif(not SHARED.is_dir(), reason="shared portal test data missing")

# The HL7 C-CDA examples and the type each must be stored as (from its LOINC document code).
CCDA_TYPES = {
    "CCD__CCD_1__CCD.XML": "clinical_summary",
    "CCD__CCD_2__CCD.xml": "clinical_summary",
    "Care_Plan__Care_Plan.xml": "treatment_plan",
    "Consultation_Note__Consultation_Note.xml": "clinical_summary",
    "Diagnostic_Imaging_Report__Diagnostic_Imaging_Report.xml": "imaging_report",
    "Discharge_Summary__Discharge_Summary.xml": "clinical_summary",
    "History_and_Physical__History_and_Physical.xml": "clinical_summary",
    "Operative_Note__Operative_Note.xml": "operative_report",
    "Procedure_Note__Procedure_Note.xml": "operative_report",
    "Progress_Note__Progress_Note.xml": "clinical_summary",
    "Referral_Note__Referral_Note.xml": "clinical_summary",
    "Transfer_Summary__Transfer_Summary.xml": "clinical_summary",
}


def _read(path: Path, tmp_path: Path, **kwargs):
    spool = tmp_path / "spool"
    spool.mkdir(exist_ok=True)
    return portal_read(path, name=path.name, spool_dir=spool, **kwargs)


def _write(tmp_path: Path, name: str, data: bytes | str) -> Path:
    path = tmp_path / name
    path.write_bytes(data.encode() if isinstance(data, str) else data)
    return path


def _bundle(*resources: dict) -> str:
    return json.dumps(
        {
            "resourceType": "Bundle",
            "type": "collection",
            "entry": [{"resource": r} for r in resources],
        }
    )


def _spool_empty(tmp_path: Path) -> bool:
    return not any((tmp_path / "spool").iterdir())


# --- C-CDA -----------------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "doc_type"), sorted(CCDA_TYPES.items()))
def test_it_reads_each_hl7_example_as_one_typed_document(tmp_path, name, doc_type):
    read = _read(SHARED / "ccda" / name, tmp_path)
    assert read.format == "ccda"
    assert [d.doc_type for d in read.documents] == [doc_type]
    text = read.documents[0].path.read_text()
    assert read.documents[0].title.split()[0] in text  # the narrative starts with the title
    assert read.patients and read.patients[0].birth_date


def test_it_reads_problems_medicines_and_procedures_from_a_ccd(tmp_path):
    read = _read(SHARED / "ccda" / "CCD__CCD_1__CCD.XML", tmp_path)
    assert read.conditions and all(c.system in ("SNOMED CT", "ICD-10-CM") for c in read.conditions)
    assert read.medications and all(m.system == "RxNorm" for m in read.medications)
    assert read.procedures
    assert read.patients[0].name == "Eve Betterhalf"
    assert all(c.source.ref.startswith("/ClinicalDocument/component") for c in read.conditions)


def test_it_reads_a_pathology_ccda_with_its_cancer_and_cancer_drug(tmp_path):
    read = _read(PATHOLOGY_CCDA, tmp_path)
    (document,) = read.documents
    assert document.doc_type == "pathology_report"
    assert "Pathologic stage: pT2 pN0" in document.path.read_text()
    (condition,) = read.conditions
    assert (condition.code, condition.system, condition.cancer, condition.cancer_type) == (
        "C50.412",
        "ICD-10-CM",
        True,
        "breast",
    )
    (medicine,) = read.medications
    assert (medicine.cancer_drug, medicine.modality) == ("letrozole", "endocrine")
    (procedure,) = read.procedures
    assert (procedure.category, procedure.date) == ("surgery", "2025-09-15")


STAGE_RESULT = b"""<entry><observation classCode="OBS" moodCode="EVN">
  <templateId root="2.16.840.1.113883.10.20.22.4.2"/>
  <code code="21902-2" codeSystem="2.16.840.1.113883.6.1" displayName="Stage group"/>
  <effectiveTime value="20250920"/><value xsi:type="ST">IIA</value>
</observation></entry>"""


def test_a_ccda_item_listed_twice_is_read_once_and_the_repeat_named(tmp_path):
    document = PATHOLOGY_CCDA.read_bytes().replace(
        b"</section>\n      </component>\n    </structuredBody>",
        STAGE_RESULT + b"</section>\n      </component>\n    </structuredBody>",
    )
    twice = re.sub(rb"(<entry>.*?</entry>)", rb"\1\1", document, flags=re.DOTALL)
    read = _read(_write(tmp_path, "twice.xml", twice), tmp_path)
    lists = (read.conditions, read.medications, read.procedures, read.observations)
    assert [len(items) for items in lists] == [1, 1, 1, 1]
    assert read.observations[0].value == "IIA"
    assert read.skipped == {
        "the same condition listed again": 1,
        "the same medicine listed again": 1,
        "the same procedure listed again": 1,
        "the same observation listed again": 1,
    }


def test_it_reads_an_xdm_zip_and_never_runs_its_stylesheet(tmp_path):
    read = _read(_write(tmp_path, "portal.zip", xdm_zip()), tmp_path)
    assert read.format == "zip"
    assert [d.doc_type for d in read.documents] == ["pathology_report"]
    assert read.skipped == {
        "style sheets (never run)": 1,
        "web pages (not read)": 1,
        "notes about the download (README)": 1,
        "XML files that are not clinical documents (such as the XDM index)": 1,
    }
    assert read.documents[0].source.file == "IHE_XDM/SUBSET01/DOC0001.XML"


def test_it_keeps_a_ccda_body_given_as_a_base64_pdf(tmp_path):
    read = _read(_write(tmp_path, "scan.xml", non_xml_ccda(pdf_bytes())), tmp_path)
    (document,) = read.documents
    assert (document.doc_type, document.content_type) == ("pathology_report", "application/pdf")
    assert document.path.read_bytes().startswith(b"%PDF")
    assert read.skipped == {}


@pytest.mark.parametrize(
    ("media_type", "data", "reason"),
    [
        (
            "application/pdf",
            b"Just words, not a PDF at all.",
            "not what they say (said application/pdf, held text)",
        ),
        ("application/pdf", b"MZ\x90\x00\x03" + b"\x00" * 200, "a computer program"),
        ("text/html", b"<html><script>alert(1)</script></html>", "web page"),
    ],
)
def test_a_ccda_body_that_lies_about_its_type_is_skipped_and_named(
    tmp_path, media_type, data, reason
):
    """The same checks as a FHIR attachment (`attachments.attachment_problem`)."""
    read = _read(_write(tmp_path, "lie.xml", non_xml_ccda(data, media_type=media_type)), tmp_path)
    assert read.documents == []
    (skipped,) = read.skipped
    assert reason in skipped
    assert _spool_empty(tmp_path)


def test_it_refuses_a_billion_laughs_at_once(tmp_path):
    started = time.monotonic()
    with pytest.raises(PortalRefused, match="DOCTYPE"):
        _read(_write(tmp_path, "bomb.xml", BILLION_LAUGHS), tmp_path)
    assert time.monotonic() - started < 1


def test_it_refuses_an_external_entity(tmp_path):
    with pytest.raises(PortalRefused, match="DOCTYPE"):
        _read(_write(tmp_path, "xxe.xml", EXTERNAL_ENTITY), tmp_path)


def test_it_refuses_a_doctype_written_in_utf16(tmp_path):
    data = EXTERNAL_ENTITY.decode().replace('version="1.0"', 'version="1.0" encoding="UTF-16"')
    with pytest.raises(PortalRefused, match="DOCTYPE"):
        _read(
            _write(tmp_path, "xxe16.xml", "\ufeff".encode("utf-16-le") + data.encode("utf-16-le")),
            tmp_path,
        )


def test_it_refuses_a_doctype_inside_an_xdm_zip(tmp_path):
    with pytest.raises(PortalRefused, match="DOCTYPE"):
        _read(_write(tmp_path, "bomb.zip", xdm_zip(BILLION_LAUGHS)), tmp_path)
    assert _spool_empty(tmp_path)


def test_it_refuses_a_200_mb_ccd_before_reading_it(tmp_path):
    path = big_ccd(tmp_path / "huge.xml", megabytes=200)
    tracemalloc.start()
    started = time.monotonic()
    try:
        with pytest.raises(PortalRefused, match="at most 100 MB"):
            _read(path, tmp_path)
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert time.monotonic() - started < 1
    assert peak < 2 * 1024 * 1024
    assert _spool_empty(tmp_path)


PEAK_SCRIPT = """
import resource, sys, tempfile
from pathlib import Path
from secondopinion.records.portal import portal_read
with tempfile.TemporaryDirectory() as spool:
    read = portal_read(Path(sys.argv[1]), name=Path(sys.argv[1]).name, spool_dir=Path(spool))
    assert read.documents
# This process's own peak (kB). Not ru_maxrss: that starts at the parent's peak (the kernel keeps
# it across fork and exec), which under pytest is larger than what is measured here.
print(next(line for line in open("/proc/self/status") if line.startswith("VmHWM")).split()[1])
"""


def _peak_kb(path: Path) -> int:
    done = subprocess.run(
        [sys.executable, "-c", PEAK_SCRIPT, str(path)], capture_output=True, text=True, check=True
    )
    return int(done.stdout.split()[-1])


def test_it_reads_a_long_ccd_in_flat_memory(tmp_path):
    """Twice the input, about the same peak (the whole process, lxml's C memory included):
    each section is dropped once read."""
    small = _peak_kb(big_ccd(tmp_path / "long-6.xml", megabytes=6))
    large = _peak_kb(big_ccd(tmp_path / "long-12.xml", megabytes=12))
    # A parser that kept the tree would grow by far more than the 6 MB of extra text.
    assert large - small < 8 * 1024, (small, large)


def test_it_refuses_xml_that_is_not_a_clinical_document(tmp_path):
    with pytest.raises(PortalRefused, match="not a clinical document"):
        _read(_write(tmp_path, "a.xml", "<?xml version='1.0'?><note><to>x</to></note>"), tmp_path)


def test_it_refuses_damaged_xml_and_keeps_nothing(tmp_path):
    data = PATHOLOGY_CCDA.read_bytes()[:-400]
    with pytest.raises(PortalRefused, match="damaged"):
        _read(_write(tmp_path, "cut.xml", data), tmp_path)
    assert _spool_empty(tmp_path)


# --- FHIR ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("cancer", "cancer_type", "stage", "drug"),
    [
        ("breast", "breast", "IIA", "letrozole"),
        ("prostate", "prostate", "IIB", "leuprolide"),
        ("lung", "lung_nsclc", "IIB", "pembrolizumab"),
        ("colon", "colorectal", "IIIB", "oxaliplatin"),
    ],
)
def test_it_reads_an_mcode_bundle(tmp_path, cancer, cancer_type, stage, drug):
    read = _read(portal_bundles.DATA / f"mcode-{cancer}.json", tmp_path)
    assert read.format == "fhir-json"
    (condition,) = read.conditions
    assert condition.cancer and condition.cancer_type == cancer_type
    observations = {o.field: o.value for o in read.observations}
    assert observations["stage_group"] == stage
    assert observations["pT"].startswith("T")
    assert drug in {m.cancer_drug for m in read.medications}
    assert {p.category for p in read.procedures} >= {"surgery"}
    (document,) = read.documents
    assert document.doc_type == "pathology_report"
    assert "SURGICAL PATHOLOGY REPORT" in document.path.read_text()
    assert read.skipped == {}


def test_it_reads_breast_markers_from_mcode(tmp_path):
    read = _read(portal_bundles.DATA / "mcode-breast.json", tmp_path)
    observations = {o.field: o.value for o in read.observations}
    assert (observations["er"], observations["pr"], observations["her2"]) == (
        "positive",
        "positive",
        "negative",
    )
    assert observations["clinical_stage"] == "IIB"
    assert {p.category for p in read.procedures} == {"surgery", "radiation"}


def test_the_bundle_files_are_what_the_generator_makes():
    for cancer in portal_bundles.CASES:
        assert (
            portal_bundles.DATA / f"mcode-{cancer}.json"
        ).read_text() == portal_bundles.bundle_text(cancer)


def test_it_reads_a_large_bundle_in_flat_memory(tmp_path):
    """Twice the file, about the same peak: the entries are streamed one at a time
    (`json.loads` of the whole file grew by about six times the extra bytes)."""
    small = _peak_kb(big_bundle(tmp_path / "bundle-6.json", megabytes=6))
    large = _peak_kb(big_bundle(tmp_path / "bundle-12.json", megabytes=12))
    assert large - small < 8 * 1024, (small, large)


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16"])
def test_a_bundle_in_another_unicode_encoding_is_read(tmp_path, encoding):
    text = (portal_bundles.DATA / "mcode-breast.json").read_text()
    read = _read(_write(tmp_path, "b.json", text.encode(encoding)), tmp_path)
    assert read.conditions[0].cancer_type == "breast"


def test_numbers_are_read_as_numbers(tmp_path):
    size = {
        "resourceType": "Observation",
        "id": "size",
        "code": {"coding": [{"system": "http://loinc.org", "code": "21889-1"}]},
        "valueQuantity": {"value": 2.1, "unit": "cm"},
    }
    count = {
        "resourceType": "Observation",
        "id": "count",
        "code": {"coding": [{"system": "http://loinc.org", "code": "21920-4"}]},
        "valueQuantity": {"value": 21, "unit": "mm"},
    }
    read = _read(_write(tmp_path, "n.json", _bundle(size, count)), tmp_path)
    assert sorted(o.value for o in read.observations) == ["2.1 cm", "21 mm"]
    single = _read(_write(tmp_path, "one.json", json.dumps(size)), tmp_path)
    assert [o.value for o in single.observations] == ["2.1 cm"]


def test_a_bundle_cut_short_is_refused_before_anything_is_read(tmp_path):
    data = (portal_bundles.DATA / "mcode-breast.json").read_bytes()[:-50]
    with pytest.raises(PortalRefused, match="not valid JSON"):
        _read(_write(tmp_path, "cut.json", data), tmp_path)
    assert _spool_empty(tmp_path)


def test_a_resource_nested_past_the_limit_is_refused(tmp_path):
    deep: dict = {"valueString": "x"}
    for _ in range(Limits().max_json_depth):
        deep = {"extension": [deep]}
    condition = {"resourceType": "Condition", "code": {"text": "Hypertension"}, **deep}
    with pytest.raises(PortalRefused, match="nested far too deeply"):
        _read(_write(tmp_path, "deep.json", _bundle(condition)), tmp_path)


def test_entries_past_the_cap_are_refused_before_any_is_read(tmp_path):
    """Entries that name no resourceType escape the count of the bytes, not the count of
    entries made before the Bundle is read."""
    report = portal_bundles.bundle("breast")["entry"][-1]["resource"]
    links = [{"fullUrl": f"https://example.org/fhir/Condition/{n}"} for n in range(5)]
    bundle = json.dumps({"resourceType": "Bundle", "entry": [{"resource": report}, *links]})
    with pytest.raises(PortalRefused, match="more than 5 records"):
        _read(_write(tmp_path, "links.json", bundle), tmp_path, limits=Limits(max_resources=5))
    assert _spool_empty(tmp_path)


def test_it_reads_the_ten_patient_bulk_export(tmp_path):
    read = _read(SHARED / "fhir-bulk-10", tmp_path)
    cancers = {c.cancer_type for c in read.conditions if c.cancer}
    assert cancers == {"breast", "lung_nsclc"}
    assert not any(c.cancer for c in read.conditions if "Suspected" in c.text)
    assert len(read.documents) == 40
    assert read.skipped["allergies"] == 11
    assert read.resources == 4506
    warnings = patient_warnings(read, name="Olive Owner", birth_date=None)
    assert "different people" in warnings[-1]


def test_it_reads_a_zip_of_resources_one_per_file(tmp_path):
    bundle = portal_bundles.bundle("lung")
    path = tmp_path / "resources.zip"
    with zipfile.ZipFile(path, "w") as zf:
        for number, entry in enumerate(bundle["entry"]):
            zf.writestr(f"fhir/{number:03d}.json", json.dumps(entry["resource"]))
    read = _read(path, tmp_path)
    assert read.conditions[0].cancer_type == "lung_nsclc"
    assert len(read.medications) == 3


def test_it_reads_a_folder_of_resources_one_per_file(tmp_path):
    folder = tmp_path / "download"
    folder.mkdir()
    for number, entry in enumerate(portal_bundles.bundle("prostate")["entry"]):
        (folder / f"{number:03d}.json").write_text(json.dumps(entry["resource"]))
    read = _read(folder, tmp_path)
    assert read.format == "folder"
    (condition,) = read.conditions
    assert condition.cancer_type == "prostate"
    assert condition.source.file.endswith(".json")
    assert {o.field: o.value for o in read.observations}["stage_group"] == "IIB"
    assert "leuprolide" in {m.cancer_drug for m in read.medications}
    assert [d.doc_type for d in read.documents] == ["pathology_report"]
    assert read.skipped == {}


def test_ndjson_is_read_line_by_line(tmp_path):
    lines = [json.dumps(e["resource"]) for e in portal_bundles.bundle("colon")["entry"]]
    read = _read(_write(tmp_path, "export.ndjson", "\n".join(lines) + "\n\nnot json\n"), tmp_path)
    assert read.format == "ndjson"
    assert {o.field: o.value for o in read.observations}["stage_group"] == "IIIB"
    assert read.skipped == {"export.ndjson: lines that are not valid JSON": 1}


def test_it_refuses_100000_resources_in_a_bundle(tmp_path):
    condition = {"resourceType": "Condition", "code": {"text": "Hypertension"}}
    path = _write(tmp_path, "many.json", _bundle(*[condition] * 100_001))
    started = time.monotonic()
    with pytest.raises(PortalRefused, match="more than 100,000 records"):
        _read(path, tmp_path)
    assert time.monotonic() - started < 10  # refused from a count of the bytes, before parsing


def test_it_refuses_100000_resources_in_ndjson_and_keeps_nothing(tmp_path):
    report = portal_bundles.bundle("breast")["entry"][-1]["resource"]
    lines = [json.dumps(report)] + [
        json.dumps({"resourceType": "Observation", "id": f"o{i}"}) for i in range(100_000)
    ]
    with pytest.raises(PortalRefused, match="more than 100,000 records"):
        _read(_write(tmp_path, "many.ndjson", "\n".join(lines)), tmp_path)
    assert _spool_empty(tmp_path)


def test_it_skips_resources_of_the_wrong_type_and_names_them(tmp_path):
    path = _write(
        tmp_path,
        "odd.json",
        _bundle(
            {"resourceType": "Claim", "id": "c1"},
            {"resourceType": "Condition", "code": "C50.9"},  # a string where an object belongs
            {"resourceType": "Condition", "code": {"coding": "wrong", "text": 7}},
            {"resourceType": "lowercase"},
            "Condition",
            {
                "resourceType": "Condition",
                "code": {
                    "coding": [
                        {
                            "system": "http://snomed.info/sct",
                            "code": "38341003",
                            "display": "Hypertension",
                        }
                    ]
                },
            },
        ),
    )
    read = _read(path, tmp_path)
    assert [c.text for c in read.conditions] == ["Hypertension"]
    assert read.skipped == {
        "billing and insurance": 1,
        "conditions without a name or code": 2,
        "entries that are not FHIR resources": 2,
    }


def test_it_refuses_json_that_is_not_fhir(tmp_path):
    with pytest.raises(PortalRefused, match="not a FHIR health record"):
        _read(_write(tmp_path, "x.json", '{"hello": "world"}'), tmp_path)
    with pytest.raises(PortalRefused, match="nested far too deeply"):
        _read(_write(tmp_path, "deep.json", '{"a":' * 100_000 + "1" + "}" * 100_000), tmp_path)


def test_references_that_loop_are_never_followed(tmp_path):
    a = {
        "resourceType": "Observation",
        "id": "a",
        "code": {"coding": [{"system": "http://loinc.org", "code": "21902-2"}]},
        "valueCodeableConcept": {"text": "Stage 2A"},
        "hasMember": [{"reference": "Observation/b"}],
    }
    b = {
        "resourceType": "Observation",
        "id": "b",
        "code": {"coding": [{"system": "http://loinc.org", "code": "21899-0"}]},
        "valueCodeableConcept": {"text": "pT2"},
        "hasMember": [{"reference": "Observation/a"}],
        "derivedFrom": [{"reference": "Observation/b"}],
    }
    med = {
        "resourceType": "MedicationRequest",
        "id": "m",
        "medicationReference": {"reference": "Medication/x"},
    }
    loop = {
        "resourceType": "Medication",
        "id": "x",
        "code": {"text": "letrozole"},
        "ingredient": [{"itemReference": {"reference": "Medication/x"}}],
    }
    nested = {
        "resourceType": "Bundle",
        "entry": [
            {
                "resource": {
                    "resourceType": "Bundle",
                    "entry": [{"resource": {"resourceType": "Bundle", "entry": [{"resource": a}]}}],
                }
            }
        ],
    }
    read = _read(_write(tmp_path, "loop.json", _bundle(a, b, a, med, loop, nested)), tmp_path)
    assert sorted((o.field, o.value) for o in read.observations) == [
        ("pT", "T2"),
        ("stage_group", "IIA"),
    ]
    assert [m.cancer_drug for m in read.medications] == ["letrozole"]
    assert read.skipped["the same observation listed again"] == 1
    assert read.skipped["bundles inside bundles inside bundles (not read)"] == 1


def test_a_medicine_named_only_by_an_outside_link_is_not_fetched(tmp_path):
    med = {
        "resourceType": "MedicationRequest",
        "id": "m",
        "medicationReference": {"reference": "https://example.org/fhir/Medication/1"},
    }
    report = portal_bundles.bundle("breast")["entry"][-1]["resource"]
    read = _read(_write(tmp_path, "link.json", _bundle(med, report)), tmp_path)
    assert read.medications == []
    assert read.skipped == {"medicines named only by a link to elsewhere (never fetched)": 1}


def _report_with(content_type: str, data: bytes) -> dict:
    return {
        "resourceType": "DocumentReference",
        "id": "d1",
        "type": {"coding": [{"system": "http://loinc.org", "code": "11526-1"}]},
        "content": [
            {"attachment": {"contentType": content_type, "data": base64.b64encode(data).decode()}}
        ],
    }


@pytest.mark.parametrize(
    ("content_type", "data", "reason"),
    [
        (
            "application/pdf",
            b"Just words, not a PDF at all.",
            "not what they say (said application/pdf, held text)",
        ),
        ("image/png", b"MZ\x90\x00\x03" + b"\x00" * 200, "a computer program"),
        ("text/plain", b"%PDF-1.4 broken", "refused by the file checks: This PDF is damaged"),
        ("text/html", b"<html><script>alert(1)</script></html>", "web page"),
        ("application/x-msdownload", b"hello", "not keep"),
    ],
)
def test_attachments_that_lie_about_their_type_are_refused(tmp_path, content_type, data, reason):
    path = _write(
        tmp_path,
        "lie.json",
        _bundle(
            _report_with(content_type, data), {"resourceType": "Patient", "name": [{"text": "A B"}]}
        ),
    )
    read = _read(path, tmp_path)
    assert read.documents == []
    (skipped,) = read.skipped
    assert reason in skipped
    assert _spool_empty(tmp_path)


def test_bad_base64_and_links_are_skipped(tmp_path):
    broken = _report_with("text/plain", b"x")
    broken["content"][0]["attachment"]["data"] = "!!!not base64!!!"
    link = {
        "resourceType": "DocumentReference",
        "content": [{"attachment": {"url": "https://example.org/steal"}}],
    }
    read = _read(
        _write(tmp_path, "b.json", _bundle(broken, link, {"resourceType": "Patient"})), tmp_path
    )
    assert read.skipped == {
        "attachments whose contents are damaged (not valid base64)": 1,
        "documents given only as a link (we never fetch links)": 1,
    }


def test_the_same_resource_twice_gives_one_item(tmp_path):
    bundle = portal_bundles.bundle("breast")
    bundle["entry"] += bundle["entry"]
    read = _read(_write(tmp_path, "twice.json", json.dumps(bundle)), tmp_path)
    assert len(read.conditions) == 1 and len(read.documents) == 1 and len(read.medications) == 1
    assert read.skipped["the same document attached twice"] == 1


def test_it_refuses_a_file_that_is_nothing_it_reads(tmp_path):
    with pytest.raises(PortalRefused, match="not a patient-portal download"):
        _read(_write(tmp_path, "x.bin", b"\x00\x01binary"), tmp_path)
    with pytest.raises(PortalRefused, match="no health records"):
        _read(_write(tmp_path, "empty.json", _bundle()), tmp_path)


def test_a_smaller_cap_is_honoured(tmp_path):
    with pytest.raises(PortalRefused, match="more than 5 records"):
        _read(portal_bundles.DATA / "mcode-breast.json", tmp_path, limits=Limits(max_resources=5))


# --- whose records -------------------------------------------------------------------------


def test_another_persons_record_gets_a_loud_warning(tmp_path):
    read = _read(portal_bundles.DATA / "mcode-breast.json", tmp_path)
    assert patient_warnings(read, name="Maria Rivera", birth_date=None) == []
    (warning,) = patient_warnings(read, name="Olive Owner", birth_date=None)
    assert "Maria L Rivera, born 1961-03-14" in warning and "someone else" in warning


# --- codes ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("C50.912", (True, "breast")),
        ("C61", (True, "prostate")),
        ("C18.7", (True, "colorectal")),
        ("C7A.1", (True, "")),  # malignant neuroendocrine: a cancer, no case type from the code
        ("C96.9", (True, "")),
        ("D05.12", (True, "breast")),  # in situ
        ("D09.0", (True, "")),
        ("D10.0", (False, "")),  # benign
        ("D48.5", (False, "")),  # uncertain behaviour
        ("E11.9", (False, "")),
        ("", (False, "")),
    ],
)
def test_icd10_ranges(code, expected):
    assert codes.icd10_cancer(code) == expected


def test_small_cell_lung_is_told_apart_by_its_words():
    assert codes.condition_cancer(
        system=codes.ICD10, code="C34.90", text="Small cell carcinoma of lung"
    ) == (True, "lung_sclc")
    assert codes.condition_cancer(
        system=codes.ICD10, code="C34.90", text="Non-small cell lung cancer"
    ) == (True, "lung_nsclc")
    assert codes.condition_cancer(
        system=codes.SNOMED, code="162573006", text="Suspected lung cancer"
    ) == (False, "")
    assert codes.condition_cancer(system="", code="", text="Family history of breast cancer") == (
        False,
        "",
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("cT3", "T3"),
        ("pN1a", "N1a"),
        ("American Joint Committee on Cancer pT2", "T2"),
        ("M0", "M0"),
        ("Tis", "Tis"),
    ],
)
def test_tnm_values(text, expected):
    assert codes.tnm_value(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [("3C", "IIIC"), ("Stage 2A", "IIA"), ("IV", "IV"), ("stage IIB", "IIB"), ("1", "I")],
)
def test_stage_values(text, expected):
    assert codes.stage_value(text) == expected


def test_document_types_from_codes_and_titles():
    assert codes.document_type("60568-3", "") == "pathology_report"
    assert codes.document_type("18748-4", "") == "imaging_report"
    assert codes.document_type("", "CT chest report") == "imaging_report"
    assert codes.document_type("", "Something", lab=True) == "lab_results"
    assert codes.document_type("", "Something") == "other"


@pytest.mark.system  # a Python process of its own
def test_peak_memory_of_the_process_is_bounded():
    """A guard for the suite itself: the tests above ran in this process."""
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss < 2_000_000  # KB
