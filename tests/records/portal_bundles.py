"""mCODE-shaped FHIR R4 Bundles for four cancers, built from the mCODE guide's published
structure and codes (hl7.org/fhir/us/mcode, STU3: profiles, LOINC staging and marker codes,
AJCC values, SNOMED CT diagnoses and procedures, RxNorm medicines). None describes a real person.

`bundle(cancer)` returns the Bundle as a dict; `python -m tests.records.portal_bundles` writes
them to tests/records/data/portal/ (a test checks the files match this module).
"""

from __future__ import annotations

import base64
import json
import sys
from pathlib import Path

MCODE = "http://hl7.org/fhir/us/mcode/StructureDefinition/"
SCT = "http://snomed.info/sct"
LNC = "http://loinc.org"
RXN = "http://www.nlm.nih.gov/research/umls/rxnorm"
AJCC = "http://cancerstaging.org"
DATA = Path(__file__).resolve().parent / "data" / "portal"

REPORTS = {
    "breast": """SURGICAL PATHOLOGY REPORT
Specimen: Left breast, lumpectomy
Final diagnosis: Invasive ductal carcinoma, Nottingham grade 2.
Tumor size: 2.1 cm
Margins: negative
Lymph nodes: 0 of 3 positive
Estrogen receptor (ER): Positive (95%)
Progesterone receptor (PR): Positive (60%)
HER2 (IHC): Negative (1+)
Pathologic stage: pT2 pN0
AJCC stage group: IIA (AJCC 8th edition)
""",
    "prostate": """SURGICAL PATHOLOGY REPORT
Specimen: Prostate, radical prostatectomy
Final diagnosis: Prostatic adenocarcinoma, acinar type.
Gleason score: 3 + 4 = 7 (Grade group 2)
Margins: negative
Pathologic stage: pT2 pN0
""",
    "lung": """SURGICAL PATHOLOGY REPORT
Specimen: Right upper lobe, lobectomy
Final diagnosis: Adenocarcinoma of the lung, acinar predominant.
Tumor size: 3.4 cm
Lymph nodes: 1 of 12 positive
Pathologic stage: pT2a pN1
""",
    "colon": """SURGICAL PATHOLOGY REPORT
Specimen: Sigmoid colon, colectomy
Final diagnosis: Adenocarcinoma of the colon, moderately differentiated.
Lymph nodes: 2 of 18 positive
Mismatch repair proteins: intact (MLH1, PMS2, MSH2, MSH6 retained)
Pathologic stage: pT3 pN1a
""",
}

CASES = {
    "breast": {
        "patient": ("Rivera", ["Maria", "L"], "1961-03-14", "female"),
        "condition": (
            "353431000119107",
            "Primary malignant neoplasm of female left breast (disorder)",
        ),
        "icd10": ("C50.412", "Malignant neoplasm of upper-outer quadrant of left female breast"),
        "stage": {"T": "pT2", "N": "pN0", "M": "cM0", "group": ("2A", "Stage 2A")},
        "clinical_stage": ("2B", "Stage 2B"),
        "markers": [
            ("16112-5", "Estrogen receptor [Units/volume] in Tissue", ("10828004", "Positive")),
            ("16113-3", "Progesterone receptor [Units/volume] in Tissue", ("10828004", "Positive")),
            ("48676-1", "HER2 [Interpretation] in Tissue", ("260385009", "Negative")),
        ],
        "medications": [("72965", "letrozole 2.5 MG Oral Tablet")],
        "procedures": [
            ("392021009", "Lumpectomy of breast (procedure)", "cancer-related-surgical-procedure"),
            (
                "1217123003",
                "Radiotherapy course of treatment (regime/therapy)",
                "radiotherapy-course-summary",
            ),
        ],
    },
    "prostate": {
        "patient": ("Okafor", ["James"], "1952-07-02", "male"),
        "condition": ("399068003", "Malignant tumor of prostate (disorder)"),
        "icd10": ("C61", "Malignant neoplasm of prostate"),
        "stage": {"T": "pT2", "N": "pN0", "M": "cM0", "group": ("2B", "Stage 2B")},
        "clinical_stage": ("2B", "Stage 2B"),
        "markers": [("2857-1", "Prostate specific Ag [Mass/volume] in Serum or Plasma", 6.8)],
        "medications": [("42375", "leuprolide")],
        "procedures": [
            ("90470006", "Prostatectomy (procedure)", "cancer-related-surgical-procedure"),
        ],
    },
    "lung": {
        "patient": ("Chen", ["Wei"], "1958-11-30", "male"),
        "condition": ("254637007", "Non-small cell lung cancer (disorder)"),
        "icd10": ("C34.11", "Malignant neoplasm of upper lobe, right bronchus or lung"),
        "stage": {"T": "pT2a", "N": "pN1", "M": "cM0", "group": ("2B", "Stage 2B")},
        "clinical_stage": ("2B", "Stage 2B"),
        "markers": [],
        "medications": [
            ("40048", "carboplatin"),
            ("68446", "pemetrexed"),
            ("1547545", "pembrolizumab"),
        ],
        "procedures": [
            ("125571002", "Lobectomy of lung (procedure)", "cancer-related-surgical-procedure"),
        ],
    },
    "colon": {
        "patient": ("Novak", ["Anna"], "1967-01-22", "female"),
        "condition": ("363406005", "Malignant neoplasm of colon (disorder)"),
        "icd10": ("C18.7", "Malignant neoplasm of sigmoid colon"),
        "stage": {"T": "pT3", "N": "pN1a", "M": "cM0", "group": ("3B", "Stage 3B")},
        "clinical_stage": ("3B", "Stage 3B"),
        "markers": [("2039-6", "Carcinoembryonic Ag [Mass/volume] in Serum or Plasma", 4.1)],
        "medications": [
            ("32592", "oxaliplatin"),
            ("4492", "fluorouracil"),
            ("6313", "leucovorin"),
        ],
        "procedures": [("23968004", "Colectomy (procedure)", "cancer-related-surgical-procedure")],
    },
}

STAGE_CODES = {
    # (clinical, pathological) LOINC for T, N, M and the stage group
    "T": ("21905-5", "21899-0"),
    "N": ("21906-3", "21900-6"),
    "M": ("21907-1", "21901-4"),
    "group": ("21908-9", "21902-2"),
}


def _cc(system: str, code: str, display: str) -> dict:
    return {"coding": [{"system": system, "code": code, "display": display}], "text": display}


def bundle(cancer: str, *, patient_name: tuple[str, list[str]] | None = None) -> dict:
    spec = CASES[cancer]
    family, given, birth, gender = spec["patient"]
    if patient_name is not None:
        family, given = patient_name
    pid = f"{cancer}-patient"
    subject = {"reference": f"Patient/{pid}"}
    condition_ref = {"reference": f"Condition/{cancer}-primary"}
    resources: list[dict] = [
        {
            "resourceType": "Patient",
            "id": pid,
            "meta": {"profile": [MCODE + "mcode-cancer-patient"]},
            "name": [{"use": "official", "family": family, "given": given}],
            "gender": gender,
            "birthDate": birth,
        },
        {
            "resourceType": "Condition",
            "id": f"{cancer}-primary",
            "meta": {"profile": [MCODE + "mcode-primary-cancer-condition"]},
            "clinicalStatus": _cc(
                "http://terminology.hl7.org/CodeSystem/condition-clinical", "active", "Active"
            ),
            "category": [
                _cc(
                    "http://terminology.hl7.org/CodeSystem/condition-category",
                    "problem-list-item",
                    "Problem List Item",
                )
            ],
            "code": {
                "coding": [
                    {"system": SCT, "code": spec["condition"][0], "display": spec["condition"][1]},
                    {
                        "system": "http://hl7.org/fhir/sid/icd-10-cm",
                        "code": spec["icd10"][0],
                        "display": spec["icd10"][1],
                    },
                ],
                "text": spec["condition"][1],
            },
            "subject": subject,
            "onsetDateTime": "2025-09-01",
        },
    ]
    members = []
    for part in ("T", "N", "M"):
        value = spec["stage"][part]
        pathological = value.startswith("p")
        oid = f"{cancer}-tnm-{part.lower()}"
        members.append({"reference": f"Observation/{oid}"})
        resources.append(
            {
                "resourceType": "Observation",
                "id": oid,
                "meta": {"profile": [MCODE + f"mcode-tnm-{_part_name(part)}-category"]},
                "status": "final",
                "category": [_survey()],
                "code": _cc(LNC, STAGE_CODES[part][1 if pathological else 0], f"{part} category"),
                "subject": subject,
                "focus": [condition_ref],
                "effectiveDateTime": "2025-09-20",
                "valueCodeableConcept": _cc(AJCC, value, value),
                "method": _cc(SCT, "897275008", "AJCC Cancer Staging Manual 8th edition"),
            }
        )
    group_code, group_display = spec["stage"]["group"]
    resources.append(
        {
            "resourceType": "Observation",
            "id": f"{cancer}-stage-group",
            "meta": {"profile": [MCODE + "mcode-tnm-stage-group"]},
            "status": "final",
            "category": [_survey()],
            "code": _cc(LNC, STAGE_CODES["group"][1], "Stage group.pathology Cancer"),
            "subject": subject,
            "focus": [condition_ref],
            "effectiveDateTime": "2025-09-20",
            "valueCodeableConcept": _cc(AJCC, group_code, group_display),
            "method": _cc(SCT, "897275008", "AJCC Cancer Staging Manual 8th edition"),
            "hasMember": members,
        }
    )
    clinical_code, clinical_display = spec["clinical_stage"]
    resources.append(
        {
            "resourceType": "Observation",
            "id": f"{cancer}-clinical-stage-group",
            "meta": {"profile": [MCODE + "mcode-tnm-stage-group"]},
            "status": "final",
            "code": _cc(LNC, STAGE_CODES["group"][0], "Stage group.clinical Cancer"),
            "subject": subject,
            "focus": [condition_ref],
            "effectiveDateTime": "2025-09-05",
            "valueCodeableConcept": _cc(AJCC, clinical_code, clinical_display),
        }
    )
    for number, (loinc, display, value) in enumerate(spec["markers"]):
        marker = {
            "resourceType": "Observation",
            "id": f"{cancer}-marker-{number}",
            "meta": {"profile": [MCODE + "mcode-tumor-marker-test"]},
            "status": "final",
            "category": [
                _cc(
                    "http://terminology.hl7.org/CodeSystem/observation-category",
                    "laboratory",
                    "Laboratory",
                )
            ],
            "code": _cc(LNC, loinc, display),
            "subject": subject,
            "effectiveDateTime": "2025-09-18",
        }
        if isinstance(value, tuple):
            marker["valueCodeableConcept"] = _cc(SCT, value[0], value[1])
        else:
            marker["valueQuantity"] = {
                "value": value,
                "unit": "ng/mL",
                "system": "http://unitsofmeasure.org",
                "code": "ng/mL",
            }
        resources.append(marker)
    for number, (rxcui, name) in enumerate(spec["medications"]):
        resources.append(
            {
                "resourceType": "MedicationRequest",
                "id": f"{cancer}-medication-{number}",
                "meta": {"profile": [MCODE + "mcode-cancer-related-medication-request"]},
                "status": "active",
                "intent": "order",
                "medicationCodeableConcept": _cc(RXN, rxcui, name),
                "subject": subject,
                "authoredOn": "2025-10-15",
                "reasonReference": [condition_ref],
            }
        )
    for number, (code, name, profile) in enumerate(spec["procedures"]):
        resources.append(
            {
                "resourceType": "Procedure",
                "id": f"{cancer}-procedure-{number}",
                "meta": {"profile": [MCODE + f"mcode-{profile}"]},
                "status": "completed",
                "code": _cc(SCT, code, name),
                "subject": subject,
                "performedDateTime": f"2025-09-{15 + number:02d}",
                "reasonReference": [condition_ref],
            }
        )
    resources.append(
        {
            "resourceType": "DiagnosticReport",
            "id": f"{cancer}-pathology-report",
            "status": "final",
            "category": [
                _cc("http://terminology.hl7.org/CodeSystem/v2-0074", "SP", "Surgical Pathology")
            ],
            "code": _cc(LNC, "11526-1", "Pathology study"),
            "subject": subject,
            "effectiveDateTime": "2025-09-20",
            "presentedForm": [
                {
                    "contentType": "text/plain",
                    "title": "Surgical pathology report",
                    "data": base64.b64encode(REPORTS[cancer].encode()).decode(),
                }
            ],
        }
    )
    return {
        "resourceType": "Bundle",
        "id": f"mcode-{cancer}",
        "type": "collection",
        "entry": [
            {"fullUrl": f"urn:uuid:{r['resourceType'].lower()}-{r['id']}", "resource": r}
            for r in resources
        ],
    }


def _part_name(part: str) -> str:
    return {"T": "primary-tumor", "N": "regional-nodes", "M": "distant-metastases"}[part]


def _survey() -> dict:
    return _cc("http://terminology.hl7.org/CodeSystem/observation-category", "survey", "Survey")


def bundle_text(cancer: str) -> str:
    return json.dumps(bundle(cancer), indent=1) + "\n"


def main() -> None:  # pragma: no cover - writes the fixture files
    DATA.mkdir(parents=True, exist_ok=True)
    for cancer in CASES:
        (DATA / f"mcode-{cancer}.json").write_text(bundle_text(cancer))
    sys.stdout.write(f"wrote {len(CASES)} bundles to {DATA}\n")


if __name__ == "__main__":  # pragma: no cover
    main()
