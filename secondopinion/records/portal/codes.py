"""Code tables for portal records: document types, cancer diagnoses, staging and markers.

Tables, not branches, so a reviewer can check each row against the standard it comes from
(LOINC, ICD-10-CM, SNOMED CT, the mCODE implementation guide). Pure: no Django.
"""

from __future__ import annotations

import re

from secondopinion.plans.lexicon import lexicon

SNOMED = "SNOMED CT"
ICD10 = "ICD-10-CM"
LOINC = "LOINC"
RXNORM = "RxNorm"

# Code systems, by the URI FHIR uses and the OID CDA uses.
SYSTEMS: dict[str, str] = {
    "http://snomed.info/sct": SNOMED,
    "2.16.840.1.113883.6.96": SNOMED,
    "http://hl7.org/fhir/sid/icd-10-cm": ICD10,
    "http://hl7.org/fhir/sid/icd-10": "ICD-10",
    "2.16.840.1.113883.6.90": ICD10,
    "2.16.840.1.113883.6.3": "ICD-10",
    "http://loinc.org": LOINC,
    "2.16.840.1.113883.6.1": LOINC,
    "http://www.nlm.nih.gov/research/umls/rxnorm": RXNORM,
    "2.16.840.1.113883.6.88": RXNORM,
    "http://cancerstaging.org": "AJCC",
    "http://www.ama-assn.org/go/cpt": "CPT",
    "2.16.840.1.113883.6.12": "CPT",
}

# Document types (records.detect.DOCUMENT_TYPES) from LOINC document codes.
DOCUMENT_LOINC: dict[str, str] = {
    "11526-1": "pathology_report",  # Pathology study
    "60568-3": "pathology_report",  # Pathology synoptic report
    "60567-5": "pathology_report",  # Comprehensive pathology report panel
    "60570-9": "pathology_report",  # Pathology consult note
    "22634-0": "pathology_report",  # Pathology report gross observation
    "22637-3": "pathology_report",  # Pathology report final diagnosis
    "33717-0": "pathology_report",  # Cytology report
    "18748-4": "imaging_report",  # Diagnostic imaging study
    "18782-3": "imaging_report",  # Radiology study observation
    "24627-2": "imaging_report",  # Chest CT
    "18747-6": "imaging_report",  # CT study
    "18755-9": "imaging_report",  # MRI study
    "24606-6": "imaging_report",  # Mammogram
    "11488-4": "clinical_summary",  # Consultation note
    "18842-5": "clinical_summary",  # Discharge summary
    "11506-3": "clinical_summary",  # Progress note
    "34117-2": "clinical_summary",  # History and physical note
    "34133-9": "clinical_summary",  # Summary of episode note (CCD)
    "57133-1": "clinical_summary",  # Referral note
    "18761-7": "clinical_summary",  # Transfer summary note
    "51847-2": "clinical_summary",  # Evaluation and plan note
    "34111-5": "clinical_summary",  # Emergency department note
    "11502-2": "lab_results",  # Laboratory report
    "26436-6": "lab_results",  # Laboratory studies
    "11504-8": "operative_report",  # Surgical operation note
    "28570-0": "operative_report",  # Procedure note
    "18776-5": "treatment_plan",  # Plan of care note (care plan)
    "51969-4": "genomic_report",  # Genetic analysis report
    "10160-0": "medication_list",  # History of medication use
}

# When there is no known code: words in the title (first match wins, in this order).
DOCUMENT_TITLE_WORDS: list[tuple[str, str]] = [
    (r"patholog|cytolog|biopsy report|synoptic", "pathology_report"),
    (r"radiolog|imaging|\bct\b|\bmri\b|\bpet\b|mammogra|ultrasound|x-?ray", "imaging_report"),
    (r"operative|operation|surg(ery|ical) note|procedure note", "operative_report"),
    (r"genomic|genetic|sequencing|molecular", "genomic_report"),
    (r"\blab(oratory)?\b|results?\b", "lab_results"),
    (r"medication", "medication_list"),
    (r"care plan|plan of care|treatment plan", "treatment_plan"),
    (
        r"consult|discharge|progress|history and physical|h&p|summary|note|referral",
        "clinical_summary",
    ),
]


def document_type(code: str, title: str, *, lab: bool = False) -> str:
    """The vault's document type from a LOINC code, else from the title's words."""
    if code in DOCUMENT_LOINC:
        return DOCUMENT_LOINC[code]
    lowered = (title or "").lower()
    for pattern, doc_type in DOCUMENT_TITLE_WORDS:
        if re.search(pattern, lowered):
            return doc_type
    return "lab_results" if lab else "other"


# --- cancer diagnoses -----------------------------------------------------------------------

# ICD-10 three-character categories -> case cancer type (cases.cancer_types codes). Ranges are
# (first, last) inclusive on the category (letter + two digits).
ICD10_CANCER_TYPES: list[tuple[str, str, str]] = [
    ("C50", "C50", "breast"),
    ("D05", "D05", "breast"),  # carcinoma in situ of breast
    ("C61", "C61", "prostate"),
    ("C33", "C34", "lung_nsclc"),  # told apart from small cell by the words, below
    ("C18", "C20", "colorectal"),
    ("D01", "D01", "colorectal"),
    ("C21", "C21", "anal"),
    ("C25", "C25", "pancreas"),
    ("C22", "C22", "liver"),
    ("C23", "C23", "gallbladder"),
    ("C24", "C24", "bile_duct"),
    ("C16", "C16", "stomach"),
    ("C15", "C15", "esophagus"),
    ("C43", "C43", "melanoma"),
    ("C67", "C67", "bladder"),
    ("C64", "C65", "kidney"),
    ("C62", "C62", "testicular"),
    ("C60", "C60", "penile"),
]

# SNOMED CT disorders commonly coded for these cancers (a small curated table; anything else
# is recognised by its words).
SNOMED_CANCER: dict[str, str] = {
    "254837009": "breast",  # Malignant neoplasm of breast
    "353431000119107": "breast",  # Primary malignant neoplasm of female left breast
    "353441000119103": "breast",  # Primary malignant neoplasm of female right breast
    "372064008": "breast",  # Malignant neoplasm of female breast
    "408643008": "breast",  # Infiltrating duct carcinoma of breast
    "399068003": "prostate",  # Malignant tumor of prostate
    "126906006": "prostate",  # Neoplasm of prostate
    "254637007": "lung_nsclc",  # Non-small cell lung cancer
    "424132000": "lung_nsclc",  # Non-small cell carcinoma of lung, TNM stage 1
    "254632001": "lung_sclc",  # Small cell carcinoma of lung
    "363358000": "lung_nsclc",  # Malignant tumor of lung
    "363406005": "colorectal",  # Malignant neoplasm of colon
    "93761005": "colorectal",  # Primary malignant neoplasm of colon
    "109838007": "colorectal",  # Overlapping malignant neoplasm of colon
    "363351006": "colorectal",  # Malignant tumor of rectum
    "94260004": "colorectal",  # Secondary malignant neoplasm of colon
}

# SNOMED CT "situation" codes that name a cancer without stating one (suspected, screening).
SNOMED_NOT_A_DIAGNOSIS = {"162573006"}  # Suspected lung cancer

_CANCER_WORDS = re.compile(
    r"\b(cancer|carcinoma|malignan\w*|adenocarcinoma|sarcoma|lymphoma|leukemia|leukaemia|"
    r"melanoma|myeloma|blastoma|mesothelioma|neoplasm of .{0,40}malignant)\b",
    re.I,
)
_NOT_CANCER_WORDS = re.compile(
    r"\b(benign|suspected|screening|history of|family history|fear of|risk of|no evidence)\b",
    re.I,
)
_ICD = re.compile(r"^([A-Z])(\d)([0-9A-Z])")


def icd10_cancer(code: str) -> tuple[bool, str]:
    """(is a cancer, case cancer type or "") for an ICD-10 code.

    C00-C96 (and C7A/C7B) are malignant, D00-D09 are in situ; D10-D36 are benign and D37-D49 of
    uncertain behaviour: neither counts as a cancer diagnosis here.
    """
    match = _ICD.match((code or "").strip().upper())
    if not match:
        return False, ""
    # C7A / C7B (malignant neuroendocrine) and D3A (benign neuroendocrine) sort among the tens.
    letter, tens, unit = match.group(1), int(match.group(2)), match.group(3)
    number = tens * 10 + (int(unit) if unit.isdigit() else 0)
    cancer = (letter == "C" and number <= 96) or (letter == "D" and number <= 9)
    if not cancer:
        return False, ""
    category = f"{letter}{tens}{unit}"
    for first, last, cancer_type in ICD10_CANCER_TYPES:
        if first <= category <= last:
            return True, cancer_type
    return True, ""


def condition_cancer(*, system: str, code: str, text: str) -> tuple[bool, str]:
    """(is a cancer, case cancer type or "") for one coded condition and its words."""
    if system == SNOMED and code in SNOMED_NOT_A_DIAGNOSIS:
        return False, ""
    if system in (ICD10, "ICD-10"):
        cancer, cancer_type = icd10_cancer(code)
        if cancer:
            return True, _small_cell(cancer_type, text)
    if system == SNOMED and code in SNOMED_CANCER:
        return True, SNOMED_CANCER[code]
    if _CANCER_WORDS.search(text or "") and not _NOT_CANCER_WORDS.search(text or ""):
        return True, ""
    return False, ""


def _small_cell(cancer_type: str, text: str) -> str:
    lowered = (text or "").lower()
    if cancer_type == "lung_nsclc" and "small cell" in lowered and "non-small" not in lowered:
        return "lung_sclc"
    return cancer_type


# --- staging and tumour markers (FHIR Observations, mCODE profiles) ------------------------

# LOINC -> (pathology fact field, plain name). Clinical staging gets its own fields: it is not
# what a pathology report states, so it is shown but never counted as a disagreement.
OBSERVATION_LOINC: dict[str, tuple[str, str]] = {
    "21905-5": ("cT", "Clinical T category (tumor)"),
    "21906-3": ("cN", "Clinical N category (lymph nodes)"),
    "21907-1": ("cM", "Clinical M category (spread)"),
    "21908-9": ("clinical_stage", "Clinical stage group"),
    "21899-0": ("pT", "Pathologic T category (tumor)"),
    "21900-6": ("pN", "Pathologic N category (lymph nodes)"),
    "21901-4": ("pM", "Pathologic M category (spread)"),
    "21902-2": ("stage_group", "Pathologic stage group"),
    "16112-5": ("er", "Estrogen receptor (ER)"),
    "85337-4": ("er", "Estrogen receptor (ER)"),
    "40556-3": ("er", "Estrogen receptor (ER)"),
    "16113-3": ("pr", "Progesterone receptor (PR)"),
    "85339-0": ("pr", "Progesterone receptor (PR)"),
    "40557-1": ("pr", "Progesterone receptor (PR)"),
    "48676-1": ("her2", "HER2"),
    "85319-2": ("her2", "HER2"),
    "85318-4": ("her2", "HER2"),
    "18474-7": ("her2", "HER2"),
    "85329-1": ("ki67_percent", "Ki-67"),
    "29593-1": ("ki67_percent", "Ki-67"),
    "35266-6": ("gleason", "Gleason score"),
    "94076-7": ("grade_group", "Grade group"),
    "2857-1": ("", "PSA (prostate-specific antigen)"),
    "35741-8": ("", "PSA (prostate-specific antigen)"),
    "2039-6": ("", "CEA (carcinoembryonic antigen)"),
    "21889-1": ("tumor_size_mm", "Tumor size"),
    "33728-7": ("tumor_size_mm", "Tumor size"),
    "21920-4": ("tumor_size_mm", "Tumor size"),
    "21894-1": ("grade", "Tumor grade"),
}

# Stage and category prefixes mCODE/AJCC write ("cT3", "pN1a", "Stage 3C") and how the
# pathology reader writes them.
_PREFIX = re.compile(r"^(?:american joint committee on cancer\s+)?(?:stage\s+)?", re.I)
_TNM = re.compile(r"^(?:[cpyra]{1,3})?([TNM])\s*([0-4X](?:is|mi|a|b|c|d|\(i[+-]\)|\(sn\))*)", re.I)
_ROMAN = {"0": "0", "1": "I", "2": "II", "3": "III", "4": "IV"}
_STAGE = re.compile(r"^(?:stage\s+)?([0-4]|0is|IV|III|II|I)([ABC]\d?)?\b", re.I)
_POSITIVE = re.compile(r"\b(positive|detected|present|amplified|3\+)\b", re.I)
_NEGATIVE = re.compile(r"\b(negative|not detected|absent|not amplified|0\b|1\+)", re.I)
_EQUIVOCAL = re.compile(r"\b(equivocal|indeterminate|borderline|2\+)", re.I)
SNOMED_RESULT = {
    "10828004": "positive",
    "260385009": "negative",
    "42425007": "equivocal",
    "52101004": "present",
    "2667000": "absent",
}


def tnm_value(text: str) -> str:
    """ "cT3" / "T3 (qualifier value)" / "American Joint Committee on Cancer pN1a" -> "T3", "N1a"."""
    cleaned = _PREFIX.sub("", (text or "").strip())
    match = _TNM.match(cleaned)
    if not match:
        return (text or "").strip()
    return f"{match.group(1).upper()}{match.group(2)}"


def stage_value(text: str) -> str:
    """ "3C" / "Stage IIIC" / "stage 2A" -> "IIIC", "IIA" (the reader's Roman numerals)."""
    cleaned = _PREFIX.sub("", (text or "").strip())
    match = _STAGE.match(cleaned.replace(" ", ""))
    if not match:
        return (text or "").strip()
    number, letter = match.group(1).upper(), (match.group(2) or "").upper()
    if number.lower() == "0is":
        return "0is"
    return _ROMAN.get(number, number) + letter


def marker_value(code: str, text: str) -> str:
    """A tumour-marker result in the reader's words: positive, negative, equivocal, or as is."""
    if code in SNOMED_RESULT:
        return SNOMED_RESULT[code]
    for pattern, word in (
        (_EQUIVOCAL, "equivocal"),
        (_NEGATIVE, "negative"),
        (_POSITIVE, "positive"),
    ):
        if pattern.search(text or ""):
            return word
    return (text or "").strip()


def observation_value(field: str, *, code: str, text: str) -> str:
    if field in ("pT", "pN", "pM", "cT", "cN", "cM"):
        return tnm_value(text or code)
    if field in ("stage_group", "clinical_stage"):
        return stage_value(text or code)
    if field in ("er", "pr", "her2"):
        return marker_value(code, text)
    return (text or code).strip()


# --- procedures -----------------------------------------------------------------------------

SNOMED_PROCEDURE_CATEGORY: dict[str, str] = {
    "392021009": "surgery",  # Lumpectomy of breast
    "172043006": "surgery",  # Total mastectomy
    "90470006": "surgery",  # Prostatectomy
    "125571002": "surgery",  # Lobectomy of lung
    "23968004": "surgery",  # Colectomy
    "1217123003": "radiation",  # Radiotherapy course of treatment
    "108290001": "radiation",  # Radiation oncology and/or radiotherapy
    "33195004": "radiation",  # Teleradiotherapy procedure
    "399315003": "radiation",  # Radionuclide therapy
    "152198000": "radiation",  # Brachytherapy
}
_RADIATION = re.compile(r"radiat|radiother|brachyther|teleradio|\bsbrt\b|\bimrt\b|proton", re.I)
_SURGERY = re.compile(
    r"ectomy\b|otomy\b|resection|excision|surg|lumpectom|mastectom|\bbiopsy\b|dissection|"
    r"amputation|repair of|reconstruct",
    re.I,
)
PROFILE_CATEGORY = {
    "mcode-cancer-related-surgical-procedure": "surgery",
    "mcode-radiotherapy-course-summary": "radiation",
    "mcode-cancer-related-radiation-procedure": "radiation",
}


def procedure_category(*, code: str, system: str, text: str, profiles: list[str]) -> str:
    for profile in profiles:
        for name, category in PROFILE_CATEGORY.items():
            if profile.rstrip("/").endswith(name):
                return category
    if system == SNOMED and code in SNOMED_PROCEDURE_CATEGORY:
        return SNOMED_PROCEDURE_CATEGORY[code]
    if _RADIATION.search(text or ""):
        return "radiation"
    if _SURGERY.search(text or ""):
        return "surgery"
    return "other"


def cancer_drug(name: str) -> tuple[str, str]:
    """(generic name, modality) when the oncology drug table names this medicine, else ("", "")."""
    for match in lexicon().find(name or ""):
        if match.drug is not None:
            return match.drug.generic, match.drug.modality
    return "", ""
