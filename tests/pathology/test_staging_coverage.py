"""Staging a report states in forms the first rules missed, and the near misses that must
stay silent. Every example is invented; several wordings for each rule."""

import pytest

from secondopinion.pathology.extractor import extract


def tnm(text):
    found = extract(text).fields
    return {name: found[name].value for name in ("pT", "pN", "pM") if name in found}


# ---------------------------------------------------------------------------------------
# Synoptic and one-line staging forms


@pytest.mark.parametrize(
    ("text", "want"),
    [
        # "AJCC" glued to the token by a lost space
        ("Sentinel nodes negative [AJCCpN0(i-)(sn)].", {"pN": "N0(i-)"}),
        ("Tumor 2.1 cm (AJCCpT2). Margins clear.", {"pT": "T2"}),
        ("[AJCCpT1cNxMx]. p53 weak.", {"pT": "T1c", "pN": "NX", "pM": "MX"}),
        # a label "Pathological T." with the value after a full stop
        ("Pathological T. T2,NOS. Pathological N. N2. Clinical M. M0.", {"pT": "T2", "pN": "N2"}),
        ("Pathological T: T1b. Pathological N: N1.", {"pT": "T1b", "pN": "N1"}),
        ("Pathologic T. pT3. Pathologic N. pN0.", {"pT": "T3", "pN": "N0"}),
        ("T category (pathologic): T3", {"pT": "T3"}),
        # one-line staging summaries
        ("STAGING DATA. T2. N-0.", {"pT": "T2", "pN": "N0"}),
        ("Pathologic staging: T3 N1 M0", {"pT": "T3", "pN": "N1", "pM": "M0"}),
        ("Staging data: T1a, N0", {"pT": "T1a", "pN": "N0"}),
        # a bare group with the staging system named after it
        ("Summary: T2a N1 [AJCC 7th ed].", {"pT": "T2a", "pN": "N1"}),
        ("T3 N0 (AJCC 6th edition)", {"pT": "T3", "pN": "N0"}),
        ("T1b N0 M0 (TNM 2002)", {"pT": "T1b", "pN": "N0", "pM": "M0"}),
        # a compact full group needs no label
        (
            "4: No lymph node metastases. 5: T2N0MX. 6: Emphysema.",
            {"pT": "T2", "pN": "N0", "pM": "MX"},
        ),
        ("E: T4N2M1. F: Lymphangitis.", {"pT": "T4", "pN": "N2", "pM": "M1"}),
        # forms that already worked stay working
        ("Primary Tumor (pT): pT2", {"pT": "T2"}),
        ("Primary tumor (pT):\npT3a", {"pT": "T3a"}),
        ("TNM: pT2 N0 MX", {"pT": "T2", "pN": "N0", "pM": "MX"}),
        ("pathologic stage: T2N0", {"pT": "T2", "pN": "N0"}),
        ("tumor stage: pT3b", {"pT": "T3b"}),
        ("Staging for renal cell carcinoma: p T3a Tumor invades", {"pT": "T3a"}),
    ],
)
def test_it_reads_staging_lines_in_the_forms_reports_use(text, want):
    assert tnm(text) == want


@pytest.mark.parametrize(
    "text",
    [
        "Clinical stage T2N0M0.",
        "CLINICAL HISTORY: cT2N0M0 rectal cancer.",
        "Mesothelioma T2 N0 M0 on CT.",  # no label, not compact, no staging system named
        "Block T2 N1 slides reviewed.",
        "Cassettes T1 through T5.",
        "T2 weighted MRI, N0 by imaging.",
        "Sections T2 and T3 show tumor.",
        "Pathological N. Number of Nodes Sampled. 0.",
        "Pathologic T-cell infiltrate.",
    ],
)
def test_it_stays_silent_on_lookalikes_of_staging_lines(text):
    assert tnm(text) == {}
