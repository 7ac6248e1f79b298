"""The plan comparer: the contract's kinds and conventions, on invented wordings."""

from secondopinion.plans.comparer import compare_plans
from secondopinion.plans.reader import read_plan
from tests.plans.helpers import kinds


def test_paclitaxel_and_docetaxel_are_different_chemotherapy():
    assert kinds("AC then weekly paclitaxel", "AC then docetaxel") == {("changed", "chemotherapy")}


def test_five_and_ten_years_of_the_same_drug_is_a_duration_change():
    assert kinds("anastrozole for 5 years", "Anastrozole, 10 years in total.") == {
        ("duration_changed", "endocrine")
    }


def test_twelve_months_is_one_year():
    assert kinds("Opdivo for 12 months", "nivolumab for one year") == set()


def test_other_drugs_with_other_durations_are_only_changed():
    assert kinds("exemestane for 5 years", "tamoxifen for 10 years") == {("changed", "endocrine")}


def test_chemo_then_surgery_against_surgery_then_chemo_names_the_chemotherapy():
    assert kinds(
        "Whipple first, then gemcitabine and capecitabine.",
        "Gemcitabine and capecitabine first, then the Whipple.",
    ) == {("order_changed", "chemotherapy")}


def test_brand_and_generic_names_agree():
    assert kinds("Ibrance with Femara", "palbociclib plus letrozole") == set()


def test_a_regimen_and_its_drugs_agree():
    assert kinds("CAPOX for 3 months", "capecitabine and oxaliplatin for 3 months") == set()


def test_radiotherapy_and_radiation_agree():
    assert kinds("surgery then radiotherapy", "surgery followed by radiation") == set()


def test_lumpectomy_and_breast_conserving_surgery_agree():
    assert (
        kinds("lumpectomy and SLNB", "breast-conserving surgery with sentinel node biopsy") == set()
    )


def test_mastectomy_and_lumpectomy_are_a_changed_surgery():
    assert kinds("left mastectomy", "a lumpectomy is enough") == {("changed", "surgery")}


def test_a_new_modality_is_added_and_a_dropped_one_omitted():
    assert kinds("radical cystectomy", "radical cystectomy; then nivolumab for a year") == {
        ("added", "immunotherapy")
    }
    assert kinds("lobectomy then cisplatin and vinorelbine", "lobectomy alone") == {
        ("omitted", "chemotherapy")
    }


def test_same_modality_with_a_drug_added_is_changed_not_added():
    assert kinds("trastuzumab", "trastuzumab and pertuzumab") == {("changed", "targeted")}


def test_less_specific_is_not_comparable_not_a_difference():
    result = compare_plans(
        read_plan("hormone pills for 5 years"), read_plan("letrozole for 5 years")
    )
    assert result.differences == ()
    assert [p.modality for p in result.not_comparable] == ["endocrine"]
    assert kinds("chemo after surgery", "adjuvant FOLFOX") == set()


def test_history_is_never_omitted():
    assert (
        kinds("Lumpectomy done. Radiation, then letrozole.", "Radiation then letrozole.") == set()
    )


def test_supportive_care_on_one_side_is_no_difference():
    assert kinds("ddAC", "dose-dense AC with pegfilgrastim and anti-nausea medicine") == set()


def test_an_opinion_listing_no_treatments_omits_nothing():
    assert (
        kinds("lumpectomy then radiation then tamoxifen", "I agree with the plan as proposed.")
        == set()
    )


def test_agreeing_with_the_plan_and_asking_for_a_test_is_only_a_test():
    assert kinds(
        "lobectomy then chemo",
        "I agree with the treatment plan. A PET-CT before surgery would be wise.",
    ) == {("test_added", "test")}


def test_an_explicit_not_needed_omits_it():
    assert kinds(
        "TURBT, then BCG, then radiation",
        "After TURBT, BCG for a year. Radiation is not needed.",
    ) == {("omitted", "radiation")}


def test_a_refused_treatment_is_not_part_of_the_plan():
    assert kinds("lobectomy", "SBRT is preferred over lobectomy") == {
        ("omitted", "surgery"),
        ("added", "radiation"),
    }


def test_hedged_recommendations_count():
    assert kinds(
        "observation after nephrectomy", "After nephrectomy, pembrolizumab could be considered."
    ) == {("added", "immunotherapy")}


def test_tests_are_one_difference_and_only_when_new():
    assert kinds("FOLFOX", "FOLFOX. Check MMR status and send ctDNA.") == {("test_added", "test")}
    assert kinds("FOLFOX; MRI of the liver planned", "FOLFOX after a liver MRI") == set()


def test_why_names_both_sides_in_plain_words():
    result = compare_plans(read_plan("letrozole for 5 years"), read_plan("letrozole for 10 years"))
    (diff,) = result.differences
    assert (
        diff.why == "Your first plan: letrozole for 5 years. This opinion: letrozole for 10 years."
    )
    assert diff.questions_for_reviewer and diff.questions_for_local_doctor
    assert result.questions_for_reviewer == diff.questions_for_reviewer


def test_to_dict_is_the_contract_shape():
    result = compare_plans(read_plan("Taxol"), read_plan("Taxotere"))
    (diff,) = [d.to_dict() for d in result.differences]
    assert set(diff) == {"kind", "modality", "first", "opinion", "why"}
    assert diff["first"][0]["drugs"] == ["paclitaxel"]
    assert diff["opinion"][0]["drugs"] == ["docetaxel"]


def test_same_lists_matched_modalities_for_a_side_by_side():
    result = compare_plans(read_plan("R-CHOP x6"), read_plan("rituximab with CHOP for six cycles"))
    assert {p.modality for p in result.same} == {"chemotherapy", "targeted"}
    assert result.differences == ()


def test_adt_does_not_stand_for_abiraterone():
    assert kinds("radiation with hormone shots", "radiation, ADT and abiraterone") == {
        ("changed", "endocrine")
    }
    assert kinds("ADT", "leuprolide") == set()


def test_an_aromatase_inhibitor_is_not_tamoxifen_but_may_be_letrozole():
    assert kinds("an aromatase inhibitor", "tamoxifen") == {("changed", "endocrine")}
    assert kinds("an aromatase inhibitor for 5 years", "letrozole for 5 years") == set()


def test_an_alternative_named_in_passing_is_not_added():
    assert (
        kinds(
            "radical prostatectomy",
            "Radiation with hormone therapy is an equally good alternative to prostatectomy.",
        )
        == set()
    )


def test_a_treatment_left_to_a_later_decision_is_not_a_plan():
    assert kinds(
        "Mastectomy next week, then maybe chemo.",
        "A MammaPrint on the specimen should come before deciding on chemotherapy.",
    ) == {("test_added", "test")}


def test_a_conditional_first_plan_item_is_not_omitted():
    assert kinds(
        "THP, then surgery, then Kadcyla if cancer is left.",
        "Neoadjuvant THP followed by surgery and radiation.",
    ) == {("added", "radiation")}


def test_not_a_candidate_for_surgery_is_a_refusal():
    assert kinds("Not a candidate for surgery. SBRT.", "SABR in 5 fractions.") == set()


def test_drugs_the_opinion_says_were_already_given_are_not_a_change():
    assert kinds("AC-T", "She has completed 4 cycles of AC. Next: weekly paclitaxel x 12.") == set()


def test_a_regimen_that_includes_radiation_and_surgery_brings_them():
    assert (
        kinds(
            "Chemo (carboplatin + paclitaxel weekly) with radiation, then esophagectomy",
            "CROSS, followed by surgery.",
        )
        == set()
    )
    assert kinds("radiation then temozolomide", "Stupp protocol") == set()


def test_the_issue_report_agreeing_in_other_words_flags_only_the_new_test():
    first = "Lumpectomy done. Plan radiation, then letrozole for 5 years."
    opinion = (
        "Agree: left breast invasive ductal carcinoma, pT2 pN1a (2/3 sentinel nodes), ER 95%. "
        "Recommendations: radiation as planned; endocrine therapy as planned. I also recommend a "
        "21-gene recurrence score, as chemotherapy may be indicated depending on the result."
    )
    assert kinds(first, opinion) == {("test_added", "test")}


def test_a_prognostic_index_in_capitals_is_not_ipilimumab():
    assert kinds("R-CHOP x6, IPI 3", "Six cycles of R-CHOP (CNS-IPI low).") == set()


def test_two_standard_options_named_together_add_nothing():
    assert (
        kinds(
            "radical prostatectomy",
            "Radical prostatectomy and radiation are both standard. I agree with surgery.",
        )
        == set()
    )


def test_test_results_in_an_opinion_are_not_new_tests():
    for opinion in (
        "The biopsy confirmed ER-positive disease. Letrozole.",
        "Letrozole. Her tumour was MSI-stable and PD-L1 negative.",
        "The recent MRI shows a 2 cm mass. Continue letrozole.",
        "Her CT from March showed no distant disease. Letrozole is appropriate.",
    ):
        assert kinds("letrozole", opinion) == set(), opinion
    assert kinds("letrozole", "Letrozole. Check MSI status and PD-L1.") == {("test_added", "test")}


def test_a_main_operation_added_beside_a_shared_one_is_a_changed_surgery():
    assert kinds(
        "repeat TURBT then BCG", "Repeat TURBT, then radical cystectomy rather than BCG."
    ) == {
        ("changed", "surgery"),
        ("omitted", "immunotherapy"),
    }
    assert kinds("lumpectomy", "lumpectomy with sentinel node biopsy") == set()


def test_what_comes_first_orders_the_rest():
    assert kinds(
        "Nephrectomy, then nivolumab and ipilimumab.",
        "Nivolumab plus ipilimumab first; nephrectomy later.",
    ) == {("order_changed", "immunotherapy")}


def test_an_alternative_the_writer_then_recommends_counts():
    assert kinds(
        "mastectomy",
        "Lumpectomy with radiation is a standard alternative, and I would recommend it over mastectomy.",
    ) == {("changed", "surgery"), ("added", "radiation")}
