"""Staging a report states in forms the first rules missed, and the near misses that must
stay silent. Every example is invented; several wordings for each rule."""

import time

import pytest

from secondopinion.pathology.extractor import DERIVED, extract


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
        # stray spaces, OCR letters and line wraps
        ("p T2 p N0", {"pT": "T2", "pN": "N0"}),
        ("pT2\npN0", {"pT": "T2", "pN": "N0"}),
        ("TNM: T2 NO MX", {"pT": "T2", "pN": "N0", "pM": "MX"}),
        ("Pathologic stage:\nT3 N1", {"pT": "T3", "pN": "N1"}),
        ("Primary tumor (pT) :\n\npT2", {"pT": "T2"}),
        ("AJCC stage: pT3bpN1", {"pT": "T3b", "pN": "N1"}),
        ("Stage (pTNM): T 2 N 0 M X", {"pT": "T2", "pN": "N0", "pM": "MX"}),
        # older editions keep their main category
        ("AJCC 5th edition: pT2 pN1bii", {"pT": "T2", "pN": "N1"}),
        ("pT2c N0 MX (AJCC 6th)", {"pT": "T2c", "pN": "N0", "pM": "MX"}),
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


# ---------------------------------------------------------------------------------------
# pT worked out from the words (status "derived", the rule named), per cancer


def derived_t(text):
    fact = extract(text).get("pT")
    if fact is None:
        return None
    assert fact.status == DERIVED
    assert fact.details["rule"]
    assert text[fact.start : fact.end] == fact.text
    return fact.value


COLON = "Colon, sigmoid, resection: adenocarcinoma, moderately differentiated. "
BLADDER = "Urinary bladder, cystectomy: invasive urothelial carcinoma, high grade. "
KIDNEY = "Kidney, left, radical nephrectomy: clear cell renal cell carcinoma. "
PROSTATE = "Prostate, radical prostatectomy: acinar adenocarcinoma, Gleason 3+4=7. "
THYROID = "Thyroid, total thyroidectomy: papillary thyroid carcinoma. "
ESOPHAGUS = "Esophagus, esophagectomy: squamous cell carcinoma. "
STOMACH = "Stomach, gastrectomy: adenocarcinoma, intestinal type. "


@pytest.mark.parametrize(
    ("text", "value"),
    [
        (COLON + "The tumor invades the muscularis propria.", "T2"),
        (COLON + "Tumor invades into but not through the muscularis propria.", "T2"),
        (COLON + "Carcinoma invades through the muscularis propria into pericolic fat.", "T3"),
        (COLON + "It invades through the muscularis propria into subserosal tissue.", "T3"),
        (COLON + "Tumor extent: Subserosa.", "T3"),
        (COLON + "The tumor extends into the pericolorectal adipose tissue.", "T3"),
        (COLON + "Tumor penetrates the visceral peritoneum.", "T4a"),
        (COLON + "Adenocarcinoma invading into the submucosa.", "T1"),
        (BLADDER + "The carcinoma invades the muscularis propria (detrusor muscle).", "T2"),
        (BLADDER + "Tumor extent: Muscularis propria.", "T2"),
        (BLADDER + "Tumor extends into the perivesical fat.", "T3"),
        (BLADDER + "Carcinoma invading the lamina propria; muscularis propria not present.", "T1"),
        (BLADDER + "Carcinoma invading lamina propria, muscularis propria uninvolved.", "T1"),
        (KIDNEY + "Tumor size: 3.2 cm. The tumor is confined to the kidney.", "T1a"),
        (KIDNEY + "Tumor size: 5.5 cm. Tumor extent: Limited to kidney.", "T1b"),
        (KIDNEY + "Tumor size: 8.4 cm. Confined within the renal capsule.", "T2a"),
        (KIDNEY + "The carcinoma (11.0 cm) is confined to the kidney.", "T2b"),
        (KIDNEY + "Tumor extends into perinephric fat.", "T3a"),
        (KIDNEY + "The tumor invades into the renal sinus adipose tissue.", "T3a"),
        (KIDNEY + "A tumor thrombus is present in the renal vein.", "T3a"),
        (PROSTATE + "Tumor invades the right seminal vesicle.", "T3b"),
        (PROSTATE + "Extraprostatic extension: present, focal.", "T3a"),
        (PROSTATE + "The tumor extends into periprostatic fat.", "T3a"),
        (PROSTATE + "The carcinoma is confined to the prostate.", "T2"),
        (PROSTATE + "No extraprostatic extension. Seminal vesicles: negative.", "T2"),
        (THYROID + "Tumor size: 1.6 cm. Extrathyroidal extension: not identified.", "T1b"),
        (THYROID + "Tumor size: 3.1 cm. The tumor is confined to the thyroid.", "T2"),
        (THYROID + "Size = 4.6 cm. No extrathyroidal extension.", "T3a"),
        (ESOPHAGUS + "The tumor invades the muscularis propria.", "T2"),
        (ESOPHAGUS + "Carcinoma infiltrating adventitia.", "T3"),
        (STOMACH + "The tumor invades the muscularis propria.", "T2"),
        (STOMACH + "Carcinoma invading the lamina propria.", "T1"),
    ],
)
def test_it_works_out_t_from_the_words_where_the_rule_is_fixed(text, value):
    assert derived_t(text) == value


@pytest.mark.parametrize(
    "text",
    [
        # negated, hedged or only near
        COLON + "The tumor does not invade the muscularis propria.",
        COLON + "No invasion of the muscularis propria is identified.",
        COLON + "Tumor extends to within 1 mm of the serosal surface.",
        COLON + "Suspicious for invasion of the muscularis propria.",
        BLADDER + "Muscularis propria is present and free of tumor.",
        BLADDER + "Invasion into the muscularis propria cannot be excluded.",
        KIDNEY + "There is no extension into the perinephric fat. Renal vein: not involved.",
        KIDNEY + "The tumor bulges into the renal sinus without infiltrative borders.",
        KIDNEY + "Tumor cells present in uninvolved kidney and perinephric fat sections.",
        PROSTATE + "Seminal vesicles, no tumor present.",
        PROSTATE + "Extraprostatic extension: not identified.",
        ESOPHAGUS + "Carcinoma invades at least into the lamina propria.",
        # no size, or two different sizes: T1 and T2 cannot be told apart
        KIDNEY + "The tumor is confined to the kidney.",
        KIDNEY + "The carcinoma (4.5 cm) is confined to the kidney. The tumor measures 4.0 cm.",
        # the words disagree
        KIDNEY
        + "Tumor size: 9 cm. Confined within the renal capsule; it involves sinus adipose tissue.",
        PROSTATE + "The tumor is confined to the prostate. Extraprostatic extension is present.",
        # a higher or unclear category is named: nothing is derived
        BLADDER + "Tumor invades perivesical fat and the soft tissue around the prostate.",
        BLADDER + "Tumor extent: Muscularis propria. Focal extracapsular extension.",
        BLADDER + "Carcinoma invades the muscularis propria with extravesical spread.",
        KIDNEY + "Tumor extends into perinephric fat and invades the adrenal gland.",
        PROSTATE + "Tumor invades the bladder neck and the right seminal vesicle.",
        COLON + "Tumor invades through the muscularis propria and into the urinary bladder.",
        # editions disagree: stomach subserosa (T2b in AJCC 6, T3 later), thyroid with spread
        STOMACH + "The tumor invades the muscularis propria and the subserosa.",
        STOMACH + "Extent of invasion: Serosa (visceral peritoneum).",
        THYROID + "Tumor size: 2.5 cm. Extrathyroidal extension: present, microscopic.",
        # not the right specimen or cancer
        "Prostate, needle biopsy: adenocarcinoma, Gleason 3+3=6. Confined to the prostate.",
        "Breast, lumpectomy: invasive ductal carcinoma, 1.8 cm, invades the dermis.",
        "Lung, lobectomy: adenocarcinoma, 2.5 cm, invades the visceral pleura.",
        # history, not this report
        COLON + "Clinical history: tumor invades the muscularis propria on prior biopsy.",
    ],
)
def test_it_derives_no_t_from_negated_hedged_or_unclear_words(text):
    assert extract(text).get("pT") is None


def test_a_stated_pt_is_never_replaced_by_a_derived_one():
    text = COLON + "Tumor invades through the muscularis propria into pericolic fat. pT4a pN0."
    fact = extract(text).get("pT")
    assert (fact.value, fact.status) == ("T4a", "stated")


def test_the_deepest_layer_named_sets_the_derived_t():
    text = (
        BLADDER + "Tumor invades the lamina propria. Deeper sections: invades the "
        "muscularis propria and extends into the perivesical fat."
    )
    assert derived_t(text) == "T3"


# ---------------------------------------------------------------------------------------
# Node counts in words


def nodes(text):
    found = extract(text).fields
    return {
        name: found[name].value
        for name in ("nodes_positive", "nodes_examined", "pN")
        if name in found
    }


@pytest.mark.parametrize(
    ("text", "examined"),
    [
        ("All 12 lymph nodes are negative for carcinoma.", 12),
        ("all twelve nodes negative", 12),
        ("Lymph nodes: all 12 negative.", 12),
        ("Left pelvic lymph nodes: Seven lymph nodes, no tumor present.", 7),
        ("Four lymph nodes, no tumor present.", 4),
        ("TWO lymph nodes, no tumor.", 2),
        ("One paracaval lymph node is negative for tumor.", 1),
        ("A single regional lymph node is negative for tumor.", 1),
        ("Regional lymph nodes (positive/total): Zero (0) / thirty (30).", 30),
        ("Eight lymph nodes with no evidence of malignancy.", 8),
    ],
)
def test_it_reads_negative_node_counts_written_in_words(text, examined):
    assert nodes(text) == {"nodes_positive": 0, "nodes_examined": examined, "pN": "N0"}
    assert extract(text).get("pN").status == DERIVED


@pytest.mark.parametrize(
    ("text", "positive", "examined"),
    [
        ("Metastatic carcinoma in two of fifteen lymph nodes.", 2, 15),
        ("Three (3) of twelve (12) lymph nodes positive.", 3, 12),
        ("Regional lymph nodes (positive/total): Two (2) / eleven (11).", 2, 11),
    ],
)
def test_it_reads_positive_node_counts_written_in_words(text, positive, examined):
    found = nodes(text)
    assert (found["nodes_positive"], found["nodes_examined"]) == (positive, examined)


@pytest.mark.parametrize(
    "text",
    [
        # no node was examined: that is pNX, never pN0
        "No lymph nodes identified.",
        "No lymph nodes are identified in the specimen.",
        "Regional lymph nodes: none submitted.",
        # words and digits that disagree
        "Regional lymph nodes (positive/total): Two (2) / eleven (12).",
        # positive words
        "Three positive lymph nodes, no extranodal extension.",
        "all 3 lymph nodes positive",
    ],
)
def test_it_gives_no_n0_where_no_node_was_counted_negative(text):
    assert extract(text).value("pN") != "N0"
    assert extract(text).value("nodes_positive") != 0


@pytest.mark.parametrize(
    "text",
    [
        "Two lymph nodes, no tumor present. One lymph node with metastatic carcinoma.",
        "Seven lymph nodes, no tumor present; extracapsular extension present.",
        "Right neck: four lymph nodes, negative. Left neck: micrometastasis in a lymph node.",
    ],
)
def test_a_negative_group_beside_a_positive_one_is_not_the_total(text):
    found = nodes(text)
    assert found.get("nodes_positive") != 0
    assert "pN" not in found


# ---------------------------------------------------------------------------------------
# OCR zero for the letter o inside words


@pytest.mark.parametrize(
    ("text", "field", "value"),
    [
        ("Number of lymph n0des examined: 12", "nodes_examined", 12),
        ("Number of lymph n0des positive: 2", "nodes_positive", 2),
        ("Estr0gen recept0r: p0sitive (90%)", "er", "positive"),
        ("Lymph0vascular invasi0n: absent", "lvi", "absent"),
        ("Perineural invasi0n: identified", "pni", "present"),
        ("Lymph N0des: t0tal 12 lymph nodes negative", "nodes_examined", 12),
    ],
)
def test_a_zero_read_for_the_letter_o_inside_a_word_does_not_hide_the_fact(text, field, value):
    fact = extract(text).get(field)
    assert fact.value == value
    assert text[fact.start : fact.end] == fact.text  # the words as written, zeros and all


@pytest.mark.parametrize(
    ("text", "want"),
    [
        ("pT0N0M0", {"pT": "T0", "pN": "N0", "pM": "M0"}),
        ("ypT0 ypN0", {"pT": "T0", "pN": "N0"}),
        ("pTisN0M0", {"pT": "Tis", "pN": "N0", "pM": "M0"}),
    ],
)
def test_a_real_zero_in_a_tnm_token_stays_a_zero(text, want):
    assert tnm(text) == want


@pytest.mark.parametrize(
    "junk",
    [
        "extends into the peri ",
        "not invading the muscularis propria ",
        "confined to the kidney 4 x 4 cm ",
        "Seven lymph nodes, no tumor ",
    ],
)
def test_the_word_rules_stay_fast_on_a_long_text_of_their_own_words(junk):
    text = KIDNEY + COLON + junk * (300_000 // len(junk))
    started = time.process_time()
    extract(text)
    assert time.process_time() - started < 2.5
