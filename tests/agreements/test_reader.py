import json
import time
from pathlib import Path

import pytest

from secondopinion.agreements.reader import KINDS, UnreadableAgreement, agreement_read

DATA = Path(__file__).parent / "data"


def kinds_of(text):
    return agreement_read(text).kinds()


def test_it_keeps_the_exact_words_of_every_clause():
    for path in DATA.glob("*.txt"):
        source = path.read_text()
        for clause in agreement_read(source).clauses:
            assert source[clause.start : clause.end] == clause.text


def test_it_reads_the_extra_agreements_as_labelled():
    for line in (DATA / "labels.jsonl").read_text().splitlines():
        label = json.loads(line)
        result = agreement_read((DATA / label["file"]).read_text())
        found = result.kinds()
        assert not found - set(label["kinds"]), label["file"]
        assert len(set(label["kinds"]) - found) <= 1, label["file"]
        for kind in label["unfavourable"]:
            assert result.flagged(kind, "unfavourable"), (label["file"], kind)


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("We do not bill insurance for this service.", "insurance"),
        ("The fee does not include a call with the doctor.", "included"),
        ("Specialists do not contact your treating physicians.", "local_doctor"),
        ("We do not record video visits.", "recording"),
        ("The reviewing physician will call your own oncologist if asked.", "local_doctor"),
        (
            "Your report will be delivered within ten (10) business days of complete records.",
            "turnaround",
        ),
        ("Records are kept for 7 years and then destroyed.", "retention"),
        ("It does not create a physician-patient relationship.", "no_relationship"),
    ],
)
def test_it_reads_clauses_stated_in_the_negative_or_without_headings(text, kind):
    assert kind in kinds_of(text)


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("Your acceptance is recorded with a time stamp.", "recording"),
        ("Always talk to your own doctor before changing any treatment.", "local_doctor"),
        ("Keep your password safe and do not share it with anyone.", "retention"),
        ("You may stop using the service at any time.", "refund"),
    ],
)
def test_it_does_not_take_look_alike_words_for_a_clause(text, kind):
    assert kind not in kinds_of(text)


@pytest.mark.parametrize(
    ("text", "kind", "unfavourable"),
    [
        ("The name of the reviewing doctor will not be disclosed to you.", "reviewer", True),
        ("The doctor's name will be shown on your report.", "reviewer", False),
        ("We may sell de-identified data to third parties.", "data_use", True),
        ("We do not sell your information and never use it for advertising.", "data_use", False),
        ("We may share your information with partners for marketing.", "data_use", True),
        ("All fees are non-refundable.", "refund", True),
        ("Once the review has started, the fee is not refundable.", "refund", False),
        ("Instead of a refund we will issue a credit toward a future review.", "refund", True),
        ("Disputes go to binding arbitration and you waive a jury trial.", "liability", True),
        ("Our total liability will not exceed the fee you paid.", "liability", False),
    ],
)
def test_it_flags_unfavourable_terms_and_only_those(text, kind, unfavourable):
    result = agreement_read(text)
    assert kind in result.kinds()
    assert bool(result.flagged(kind, "unfavourable")) is unfavourable


@pytest.mark.parametrize(
    ("text", "kind", "vague"),
    [
        ("Most reviews are completed within 5 to 7 business days.", "turnaround", True),
        ("The opinion is delivered within 10 business days.", "turnaround", False),
        ("We keep your records for as long as necessary.", "retention", True),
        ("Records are kept for ten years, as required by law.", "retention", False),
        ("Records are kept as required by law.", "retention", True),
        ("The fee will be communicated at the time of booking.", "fee", True),
        ("The fee is $500.", "fee", False),
    ],
)
def test_it_flags_vague_terms(text, kind, vague):
    assert bool(agreement_read(text).flagged(kind, "vague")) is vague


def test_it_asks_a_question_for_each_missing_kind_and_never_says_sign():
    result = agreement_read("The fee is $500, charged when you submit your request.")
    assert "fee" not in result.missing
    assert set(result.missing) == set(KINDS) - {"fee"}
    assert len(result.questions) == len(result.missing)
    assert not any("sign" in q.lower() for q in result.questions)


def test_it_reads_across_page_headers_and_broken_words():
    source = (
        "ACME Health   Terms\nPage 1 of 2\nYou will receive the report within 12 busi-\n"
        "ness days.\nACME Health   Terms\nPage 2 of 2\nThe name of the reviewing\n"
        "oncologist will not be disclosed.\nACME Health   Terms\nPage 3 of 3\n"
    )
    result = agreement_read(source)
    assert "turnaround" in result.kinds()
    reviewer = result.flagged("reviewer", "unfavourable")
    assert reviewer and "oncologist will not be disclosed" in reviewer[0].text
    assert all("ACME" not in c.text for c in result.clauses)


def test_it_refuses_spanish_and_empty_text_plainly():
    with pytest.raises(UnreadableAgreement, match="Spanish"):
        agreement_read(
            "El médico revisará su caso y le enviará un informe. La tarifa es de 500 dólares y "
            "se paga antes de la revisión. Los registros se guardan por diez años."
        )
    with pytest.raises(UnreadableAgreement, match="empty"):
        agreement_read("   \n ")


def test_it_reads_a_long_agreement_in_bounded_time():
    page = (DATA / "ridgeway-numbered.txt").read_text()
    text = "\n\n".join([page] * 200)  # about 200 pages
    began = time.monotonic()
    result = agreement_read(text)
    assert time.monotonic() - began < 20
    assert "fee" in result.kinds()
