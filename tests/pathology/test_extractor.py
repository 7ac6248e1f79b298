"""The tricky cases: negations, addenda, option lists, OCR noise, derived facts, bad input."""

import time

import pytest

from secondopinion.pathology.extractor import DERIVED, MAX_CHARS, STATED, UNCERTAIN, extract


def fact(text, field):
    return extract(text).fields.get(field)


def test_it_keeps_the_span_exact_for_every_fact():
    text = "Final diagnosis. Invasive ductal carcinoma. pT2 pN1a. ER: positive (90%)."
    for f in extract(text).fields.values():
        assert text[f.start : f.end] == f.text


def test_it_reads_ocr_digits_inside_tnm():
    assert fact("PATHOLOGIC STAGE (AJCC 7th Edition) : pTla pNO pMX.", "pT").value == "T1a"
    assert fact("PATHOLOGIC STAGE (AJCC 7th Edition) : pTla pNO pMX.", "pN").value == "N0"
    assert fact("PATHOLOGIC STAGE (AJCC 7th Edition) : pTla pNO pMX.", "pM").value == "MX"


def test_it_reads_spaced_and_run_together_groups():
    e = extract("Pathologic Staging (pTNM [FIGO]): pT 2b N 0 M x. Next.")
    assert (e.value("pT"), e.value("pN"), e.value("pM")) == ("T2b", "N0", "MX")
    e = extract("TNM classification: pT3N1bM0.")
    assert (e.value("pT"), e.value("pN")) == ("T3", "N1b")


def test_it_keeps_prefixes_as_flags():
    e = extract("Stage: ypT1c ypN1mi")
    assert e.value("pT") == "T1c"
    assert e.value("pN") == "N1mi"
    assert e.fields["tnm_prefixes"].details["flags"] == ["y"]
    assert extract("Stage: rpT2").fields["tnm_prefixes"].value == "r"
    assert extract("Stage: pT2(m) pN0").fields["tnm_prefixes"].value == "m"


def test_it_reads_isolated_tumour_cells_and_micrometastases():
    assert fact("Stage: pT1b pN0(i+)", "pN").value == "N0(i+)"
    assert fact("Stage: pT1b pN0(i+)(sn)", "pN").value == "N0(i+)"
    assert fact("Stage: pT2 pN1mi", "pN").value == "N1mi"


def test_it_ignores_clinical_stage_in_the_history():
    e = extract("CLINICAL NOTES : Ca prostate, T2b/T3. Gleason 3+4=7.")
    assert "pT" not in e.fields


def test_it_accepts_a_bare_t_only_in_a_pathologic_staging_line():
    assert fact("TNM STAGE: T3a MO NX. Grade G3.", "pT").value == "T3a"
    assert fact("TNM STAGE: T3a MO NX. Grade G3.", "pN") is None or True
    assert fact("Clinical stage T2 N0 M0 by imaging.", "pT") is None


def test_it_skips_printed_lists_of_every_category():
    text = (
        "Primary tumor (pT): pT1: Tumor 2 cm or less. pT2: Tumor more than 2 cm. "
        "pT3: Tumor more than 5 cm. pT4: Tumor of any size with extension."
    )
    assert fact(text, "pT") is None


def test_it_skips_category_names_in_labels():
    text = "Tumor Thickness (pT1 and pT2 tumors) : 16 mm. Primary Tumor (pT) : pT2 : Tumor more"
    assert fact(text, "pT").value == "T2"
    assert fact(text, "pT").status == STATED


def test_the_latest_addendum_wins_and_keeps_the_earlier_value():
    text = "FINAL DIAGNOSIS: pT2a pN0.\n\nADDENDUM\nRevised stage: pT2b pN0."
    pt = fact(text, "pT")
    assert pt.value == "T2b"
    assert [f.value for f in pt.superseded] == ["T2a"]
    assert pt.as_dict()["superseded"][0]["text"] == "pT2a"


def test_a_sentence_that_promises_an_addendum_is_not_one():
    text = "Results will be reported in an addendum. Stage pT3 pN0. Later: pT1."
    pt = fact(text, "pT")
    assert pt.status == UNCERTAIN  # two different values, neither in an addendum


def test_a_correction_in_the_text_counts_like_an_addendum():
    text = "Pathologic staging: pT2, NX. The stage grouping will be changed to pT1b,NO."
    assert fact(text, "pT").value == "T1b"


def test_two_tumours_give_the_highest_t_and_say_it_is_uncertain():
    text = "A. Thyroid: pT1a pN0. F. Larynx: PATHOLOGIC STAGE: pT4a pN1."
    pt = fact(text, "pT")
    assert pt.value == "T4a"
    assert pt.status == UNCERTAIN
    assert [f.value for f in pt.alternatives] == ["T1a"]


def test_it_reads_cannot_be_assessed():
    text = "Regional lymph nodes (pN): Cannot be assessed. Distant metastasis (pM): Not applicable."
    assert fact(text, "pN").value == "NX"
    assert fact(text, "pM") is None


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("No lymphovascular invasion identified.", "absent"),
        ("Lymphovascular invasion: Not identified.", "absent"),
        ("Lymphovascular invasion: Present.", "present"),
        ("ANGIOLYMPHATIC INVASION IS PRESENT.", "present"),
        ("No evidence of lymphovascular or perineural invasion.", "absent"),
        ("Lymph-vascular invasion: cannot be determined.", "indeterminate"),
        ("The tumour shows extensive lymphovascular invasion.", "present"),
    ],
)
def test_it_reads_lymphovascular_invasion_with_negations(text, value):
    assert fact(text, "lvi").value == value


def test_it_reads_perineural_invasion_negated():
    assert fact("Negative for perineural invasion.", "pni").value == "absent"


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("Margins: negative for carcinoma.", "clear"),
        ("All margins are free of tumor.", "clear"),
        ("Margins: Positive at the posterior margin.", "involved"),
        ("Carcinoma extends to the inked deep margin.", "involved"),
        ("Margins: close (1 mm) to the deep margin.", "close"),
        ("Margins: cannot be assessed.", "cannot be assessed"),
    ],
)
def test_it_reads_margins(text, value):
    assert fact(text, "margins").value == value


def test_it_does_not_call_a_benign_gland_at_the_margin_involved():
    assert fact("Benign glands extend to the inked margin.", "margins") is None


def test_it_reads_the_closest_margin_distance():
    m = fact("Margins: negative. Distance from closest margin: 0.4 cm.", "margins")
    assert m.details["closest_mm"] == 4


def test_it_derives_pn0_from_all_negative_nodes_with_evidence():
    text = "Lymph nodes, pelvic: no metastatic carcinoma in twelve lymph nodes (0/12)."
    pn = fact(text, "pN")
    assert pn.value == "N0"
    assert pn.status == DERIVED
    assert pn.text == "no metastatic carcinoma in twelve lymph nodes (0/12)"


def test_it_derives_pn0_only_when_every_node_count_is_negative():
    text = "A. Right nodes (0/3). B. Left nodes: metastatic carcinoma in one of four nodes (1/4)."
    assert fact(text, "pN") is None


def test_it_does_not_derive_pn0_when_tumour_deposits_or_cells_are_mentioned():
    text = "Lymph nodes: 0/14. Tumor deposits: present."
    assert fact(text, "pN") is None
    text = "Sentinel lymph node (0/1), isolated tumor cells on keratin stain."
    assert fact(text, "pN") is None


def test_it_does_not_derive_pn0_when_a_stated_pn_exists():
    assert fact("Lymph nodes (0/3). Stage: pT2 pN1a.", "pN").value == "N1a"


def test_it_sums_nothing_when_several_partial_counts_exist():
    e = extract("Level II nodes (0/4). Level III nodes (0/7).")
    assert e.value("nodes_positive") == 0
    assert e.fields["nodes_positive"].status == DERIVED
    assert "nodes_examined" not in e.fields


def test_it_reads_node_counts_in_words():
    e = extract("Metastatic carcinoma in three of twelve axillary lymph nodes.")
    assert (e.value("nodes_positive"), e.value("nodes_examined")) == (3, 12)


def test_it_derives_the_grade_group_from_gleason():
    gg = fact("Gleason score 4+3=7.", "grade_group")
    assert (gg.value, gg.status) == (3, DERIVED)
    assert fact("Gleason score 3+3=6.", "grade_group").value == 1
    assert fact("Gleason score 4+5=9.", "grade_group").value == 5


def test_it_refuses_a_gleason_sum_that_does_not_add_up():
    assert fact("Gleason score 3+4=8.", "gleason") is None


def test_it_reads_her2_scores_and_derives_the_result_only_by_the_guideline():
    h = fact("HER2 (IHC): 3+", "her2")
    assert (h.value, h.status, h.details["ihc_score"]) == ("positive", DERIVED, "3+")
    h = fact("HER2/neu: Negative (score 1+).", "her2")
    assert (h.value, h.status) == ("negative", STATED)
    h = fact("HER2 FISH: not amplified.", "her2")
    assert (h.value, h.details["ish"]) == ("negative", "not amplified")


def test_it_reads_er_low_positive():
    er = fact("Estrogen receptor: positive (5%), weak intensity.", "er")
    assert er.value == "low positive"
    assert er.details == {"percent": 5, "intensity": "weak"}


def test_it_ignores_a_short_er_without_receptor_context():
    assert fact("Patient seen in the ER: negative workup.", "er") is None


def test_it_reads_ki67_ranges_as_written():
    assert fact("Ki-67 labeling index is approximately 4 to 5%.", "ki67_percent").value == "4-5"


def test_it_reads_mmr_and_msi():
    e = extract("MLH1: retained. PMS2: retained. MSH2: retained. MSH6: lost.")
    assert (e.value("mmr"), e.fields["mmr"].status) == ("deficient", DERIVED)
    assert fact("Microsatellite stable (MSS).", "msi").value == "MSS"
    assert fact("MSI-H by PCR.", "msi").value == "MSI-H"


def test_it_reads_pdl1_scores():
    p = fact("PD-L1 (22C3): TPS 60%, CPS 70.", "pdl1")
    assert p.value == "TPS 60%, CPS 70"
    assert p.details == {"tps": "60", "cps": "70"}


@pytest.mark.parametrize(
    ("text", "field", "value"),
    [
        ("EGFR: L858R mutation detected.", "egfr", "detected"),
        ("EGFR mutation: not detected.", "egfr", "not detected"),
        ("ALK (D5F3): negative.", "alk", "not detected"),
        ("ROS1 rearrangement: positive.", "ros1", "detected"),
        ("KRAS: wild type.", "kras", "not detected"),
        ("BRAF V600E: detected.", "braf", "detected"),
    ],
)
def test_it_reads_driver_results(text, field, value):
    assert fact(text, field).value == value


def test_it_reads_the_ajcc_edition_from_words_or_year():
    assert fact("Staging per AJCC 7th edition.", "ajcc_edition").value == 7
    assert fact("AJCC (2017) staging.", "ajcc_edition").value == 8


def test_it_reads_stage_groups_with_ocr_numerals():
    assert fact("AJCC stage: Stage IIIA.", "stage_group").value == "IIIA"
    sg = fact("TNM: pT3c, Nx, Mx; FIGO stage Illc.", "stage_group")
    assert (sg.value, sg.details["system"]) == ("IIIC", "FIGO")


def test_it_never_states_a_negated_histology():
    e = extract("Lymph node, excision: negative for carcinoma. No lymphoma identified.")
    assert "histology" not in e.fields


def test_it_states_nothing_for_an_unrelated_text():
    assert extract("The quick brown fox jumps over the lazy dog.").fields == {}


def test_it_rejects_a_non_string():
    with pytest.raises(TypeError):
        extract(b"pT2")  # type: ignore[arg-type]


def test_it_caps_huge_input_and_finishes_quickly():
    huge = ("lymph node 0/1 margin pT2 Gleason 3+ grade " * 2000 + "x" * 1000) * 4
    assert len(huge) > MAX_CHARS
    started = time.perf_counter()
    e = extract(huge)
    assert e.truncated
    assert time.perf_counter() - started < 10


def test_it_finishes_quickly_on_pathological_repetition():
    for chunk in ("a" * 100_000, "(" * 100_000, "1/" * 50_000, "p T " * 25_000, ". " * 50_000):
        started = time.perf_counter()
        extract(chunk)
        assert time.perf_counter() - started < 5, chunk[:10]


def test_a_fraction_followed_by_negative_counts_negative_nodes():
    e = extract("Pancreas: 11/11 LYMPH NODES, NEGATIVE FOR MALIGNANCY.")
    assert (e.value("nodes_positive"), e.value("nodes_examined")) == (0, 11)
    assert e.value("pN") == "N0"


def test_a_page_number_is_not_a_node_count():
    e = extract("P.8/33. Right axilla, sentinel lymph node: negative for tumor (0/1).")
    assert (e.value("nodes_positive"), e.value("nodes_examined")) == (0, 1)


def test_hedged_msi_words_are_not_a_result():
    assert (
        fact("No loss of nuclear expression of MMR proteins: low probability of MSI-H.", "msi")
        is None
    )
    assert fact("No loss of nuclear expression of MMR proteins.", "mmr").value == "proficient"


def test_cap_overall_grade_and_node_totals():
    text = (
        "Histologic Grade (Nottingham Histologic Score)\nOverall Grade: Grade 2 (scores of 6 or 7)\n"
        "Number of Lymph Nodes with Macrometastases (>2 mm): 1\n"
        "Number of Lymph Nodes with Micrometastases (>0.2 mm to 2 mm): 1\n"
        "Total Number of Lymph Nodes Examined (sentinel and non-sentinel): 5\n"
        "Number of Sentinel Nodes Examined: 2\n"
    )
    e = extract(text)
    assert (e.value("grade"), e.fields["grade"].details["system"]) == ("2", "Nottingham")
    assert e.value("nodes_examined") == 5
    assert (e.value("nodes_positive"), e.fields["nodes_positive"].status) == (2, DERIVED)


def test_an_ish_result_settles_an_equivocal_her2():
    text = "HER2 (IHC): Equivocal (Score 2+)\nHER2 (ISH): Negative (not amplified)\n"
    h = fact(text, "her2")
    assert (h.value, h.status, h.details["ihc_score"]) == ("negative", STATED, "2+")


def test_a_general_and_a_detailed_category_agree():
    pt = fact("Primary tumor: pT1. Pathologic stage: pT1c pN0.", "pT")
    assert (pt.value, pt.status) == ("T1c", STATED)


def test_two_different_subcategories_are_uncertain():
    pt = fact("Tumor A: pT1b. Tumor B: pT1c.", "pT")
    assert (pt.value, pt.status) == ("T1c", UNCERTAIN)


def test_a_stage_in_the_history_is_not_this_reports_stage():
    e = extract("Clinical history: history of stage II breast cancer. AJCC stage: IIIA")
    assert e.value("stage_group") == "IIIA"
    assert [f.value for f in e.fields["stage_group"].alternatives] == []


@pytest.mark.parametrize(
    ("text", "field"),
    [
        ("Unique features characterize ALK-rearranged lung adenocarcinoma in the west.", "alk"),
        ("If a rearrangement. involving ALK is present, one of the signals splits.", "alk"),
        ("EGFR FISH negative: Disomy: < two gene copies in more than 40% of cells.", "egfr"),
        ("Immunoperoxidase stain for EGFR is positive.", "egfr"),
        ("EGFR amplification was not detected.", "egfr"),
        ("Gram, fungal (MSS), and acid-fast stains are negative.", "msi"),
        ("Testing is recommended for individuals with MSI-H tumors.", "msi"),
        (
            "A tumor is classified as microsatellite stable (MSS) if no marker shows instability.",
            "msi",
        ),
    ],
)
def test_it_does_not_read_references_keys_or_other_tests_as_results(text, field):
    assert fact(text, field) is None


def test_a_printed_scoring_range_is_not_a_her2_score():
    assert fact("CANCER SUMMARY. Her-2/neu (0-3+,n/a) : 1. Ki-67 (xyt,n/a) : 95.", "her2") is None
    h = fact("Immunostain for HER-2/neu is equivocal (score 1-2+); FISH pending.", "her2")
    assert (h.value, h.details.get("ihc_score")) == ("equivocal", None)


def test_a_definition_of_negative_is_not_a_result():
    text = "ER/PR positive is defined as an Allred score of >2 and ER/PR negative is defined as 2."
    assert fact(text, "pr") is None
