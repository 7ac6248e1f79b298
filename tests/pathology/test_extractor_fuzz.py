"""Whatever the text, extraction never fails and every span points at its own words."""

from hypothesis import given, settings
from hypothesis import strategies as st

from secondopinion.pathology.extractor import extract

TOKENS = [
    "pT2",
    "pT1a",
    "ypT0",
    "pN0",
    "pN1mi",
    "(0/12)",
    "3/14",
    "pMX",
    "N0",
    "T3a",
    "Stage",
    "IIIA",
    "AJCC",
    "8th",
    "edition",
    "Gleason",
    "3+4=7",
    "grade",
    "Grade",
    "2",
    "ER",
    "PR",
    "HER2",
    "2+",
    "positive",
    "negative",
    "Margins",
    "margin",
    ":",
    ".",
    ",",
    "\n",
    "no",
    "not",
    "identified",
    "lymphovascular",
    "invasion",
    "perineural",
    "lymph",
    "nodes",
    "examined",
    "Ki-67",
    "20%",
    "ADDENDUM",
    "carcinoma",
    "breast",
    "left",
    "İstanbul",
    "ß",
    "µm",
    "•",
    "\u00a0",
    "(",
    ")",
    "MLH1",
    "loss",
    "intact",
    "MSI-H",
    "EGFR",
    "detected",
    "PD-L1",
    "TPS",
    "50%",
    "cm",
    "mm",
]


@settings(max_examples=100, deadline=None)
@given(st.lists(st.sampled_from(TOKENS), max_size=80), st.text(max_size=40))
def test_it_never_fails_and_spans_match(tokens, noise):
    text = " ".join(tokens) + noise
    result = extract(text)
    for name, fact in result.fields.items():
        assert text[fact.start : fact.end] == fact.text, name
        assert fact.status in ("stated", "derived", "uncertain")
    assert isinstance(result.as_dict()["fields"], dict)
