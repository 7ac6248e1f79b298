"""The drug and regimen lexicon: whole words, case rules for short acronyms, one typo."""

from secondopinion.plans.lexicon import lexicon


def names(text: str, capitals: bool = False) -> list[str]:
    return [
        hit.regimen.name if hit.regimen else hit.drug.generic
        for hit in lexicon().find(text, capitals=capitals)
    ]


def test_it_loads_every_drug_and_regimen_once():
    lex = lexicon()
    assert len(lex.drugs) == 289
    assert len(lex.regimens) == 126
    assert lexicon() is lex


def test_it_reads_fluorouracil_with_or_without_punctuation():
    assert names("5-FU, 5 FU and 5FU") == ["fluorouracil"] * 3


def test_it_maps_brand_names_to_generics():
    assert names("Femara then Herceptin and Keytruda") == [
        "letrozole",
        "trastuzumab",
        "pembrolizumab",
    ]


def test_it_never_matches_inside_another_word():
    assert names("targeted biopsy; ACTH level; the actor; tcell") == []


def test_it_matches_short_acronyms_only_in_their_own_case():
    assert names("TC x4") == ["TC"]
    assert names("tc x4") == []
    assert names("ec and ep") == []


def test_it_does_not_read_english_words_in_capitals_as_regimens():
    assert names("NO TIP, ICE OR MAP IS NEEDED", capitals=True) == []
    assert names("salvage ICE then transplant") == ["ICE"]


def test_it_reads_the_regimen_before_its_parts():
    assert names("Pola-R-CHP x 6") == ["Pola-R-CHP"]
    assert names("AC then T") == ["AC-T"]


def test_it_forgives_one_typo_in_a_long_drug_name():
    assert names("pacitaxel weekly; letrozol daily") == ["paclitaxel", "letrozole"]


def test_it_expands_a_regimen_into_phases():
    reg = lexicon().regimens["AC-T"]
    assert reg.phases == (("doxorubicin", "cyclophosphamide"), ("paclitaxel",))
