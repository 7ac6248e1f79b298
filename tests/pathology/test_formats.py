"""Many ways reports write the same facts; each must read the same."""

import pytest

from secondopinion.pathology.extractor import extract

FORMATS = [
    ("pT1N0M0", {"pT": "T1", "pN": "N0", "pM": "M0"}),
    ("Stage: pT2, pN1a, pMX", {"pT": "T2", "pN": "N1a", "pM": "MX"}),
    ("ypT0 ypN0", {"pT": "T0", "pN": "N0"}),
    ("pT1b(m) pN0(sn)", {"pT": "T1b", "pN": "N0"}),
    ("pT1mic pN0", {"pT": "T1mi"}),
    ("pT2 pN1(mi)", {"pN": "N1mi"}),
    ("pN0(i+)(sn)", {"pN": "N0(i+)"}),
    ("pTis (DCIS) pNX", {"pT": "Tis", "pN": "NX"}),
    ("pT4d pN3c pM1", {"pT": "T4d", "pN": "N3c", "pM": "M1"}),
    ("pT1a pN0 cM0", {"pT": "T1a", "pN": "N0", "pM": None}),
    ("AJCC Stage IIA (pT2, N0, M0)", {"stage_group": "IIA", "pT": "T2", "pN": "N0"}),
    ("Lymphovascular invasion: Absent", {"lvi": "absent"}),
    ("LVI: negative", {"lvi": "absent"}),
    ("Angiolymphatic invasion is not identified.", {"lvi": "absent"}),
    ("Lymph-vascular invasion: Not seen", {"lvi": "absent"}),
    ("No definite LVI.", {"lvi": "absent"}),
    ("Gleason score 7 (3+4)", {"gleason": "3+4=7"}),
    ("Gleason Score: 3 + 4 = 7 (Grade Group 2)", {"gleason": "3+4=7", "grade_group": 2}),
    ("ER: Positive (Allred score 8/8)", {"er": "positive"}),
    ("ER Positive, 95%", {"er": "positive"}),
    ("Estrogen Receptor (ER): NEGATIVE (0%)", {"er": "negative"}),
    ("HER2/neu (by IHC): 3+ (Positive)", {"her2": "positive"}),
    ("HER2 FISH ratio: 1.2 (not amplified)", {"her2": "negative"}),
    ("HER-2 neu: negative (1+)", {"her2": "negative"}),
    ("Ki67 index: 30%", {"ki67_percent": 30}),
    ("Ki-67 (MIB-1): 25%", {"ki67_percent": 25}),
    ("Tumor size: 12 mm", {"tumor_size_mm": 12}),
    (
        "Margins: Uninvolved by invasive carcinoma; DCIS 1 mm from the posterior margin.",
        {"margins": "clear"},
    ),
    ("Surgical margins: negative (closest margin 0.2 cm, deep)", {"margins": "clear"}),
    ("Carcinoma is present at the inked lateral margin.", {"margins": "involved"}),
    ("Perineural invasion: Identified", {"pni": "present"}),
    ("Histologic grade: 3 of 3", {"grade": "3"}),
    ("Nottingham Grade: II", {"grade": "2"}),
    ("Nottingham score 7/9, grade 2", {"grade": "2"}),
    ("MLH1, PMS2, MSH2 and MSH6: intact (retained) nuclear expression", {"mmr": "proficient"}),
    ("Microsatellite instability: stable", {"msi": "MSS"}),
    ("PD-L1 (22C3) CPS: 15", {"pdl1": "CPS 15"}),
    ("EGFR exon 21 L858R mutation identified", {"egfr": "detected"}),
    ("ALK gene rearrangement: not detected by FISH", {"alk": "not detected"}),
    (
        "Number of lymph nodes examined: 15. Number of lymph nodes with metastasis: 2",
        {"nodes_examined": 15, "nodes_positive": 2},
    ),
    ("Lymph nodes: 3 of 15 positive", {"nodes_positive": 3, "nodes_examined": 15}),
    ("Regional lymph nodes: 0/12", {"nodes_positive": 0, "pN": "N0"}),
    ("pT2 (AJCC 7th ed.)", {"ajcc_edition": 7}),
    ("Extranodal extension: present (3 mm)", {"ene": "present"}),
    ("Tumor focality: Multifocal", {"focality": "multifocal"}),
]


@pytest.mark.parametrize(("text", "want"), FORMATS, ids=[t[:40] for t, _ in FORMATS])
def test_it_reads_common_ways_of_writing_facts(text, want):
    result = extract(text)
    for field, value in want.items():
        assert result.value(field) == value, field


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("Invasive ductal carcinoma of the right breast. (NHG1, pTic, pNO (SN)).", "T1c"),
        ("Greatest dimension (pT2) : Size 3.0 cm in greatest dimension.", "T2"),
        ("Final: pT2 tumor more than 2 cm.", "T2"),
    ],
)
def test_it_reads_ocr_and_bracketed_t_categories(text, value):
    assert extract(text).value("pT") == value
