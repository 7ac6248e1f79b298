"""Bad input never crashes, never makes up a component, and lists what it could not read."""

import csv
import json
import random
import time
from pathlib import Path

from secondopinion.plans.batch import batch_record
from secondopinion.plans.comparer import compare_plans
from secondopinion.plans.lexicon import DATA
from secondopinion.plans.reader import read_plan
from tests.plans.helpers import kinds


def test_empty_plans_give_empty_readings_and_no_differences():
    for text in ("", "   \n\t", None, 42):
        reading = read_plan(text)
        assert reading.components == () and reading.unread == ()
    assert compare_plans(read_plan(""), read_plan("")).differences == ()


def test_one_side_only_flags_nothing_from_the_empty_side():
    assert kinds("", "lumpectomy then radiation") == {("added", "surgery"), ("added", "radiation")}
    assert kinds("lumpectomy then radiation", "") == set()
    record = batch_record('{"id": "e", "first_plan": "", "opinion": ""}')
    assert record == {"id": "e", "first": [], "opinion": [], "differences": [], "unread": []}


def test_fifty_kilobytes_of_pasted_text_is_read_in_bounded_time():
    paragraph = (
        "Dear colleague, I saw Ms. K today. She is well and walks daily. Her sister had a "
        "lumpectomy years ago. Plan: letrozole for 5 years, then we will review. "
    )
    text = paragraph * (50_000 // len(paragraph))
    started = time.perf_counter()
    reading = read_plan(text)
    assert time.perf_counter() - started < 10
    assert {c.modality for c in reading.components} == {"endocrine"}
    for c in reading.components[:5]:
        assert text[c.start : c.end] == c.text


def test_dense_treatment_words_stay_linear():
    small, large = (
        "chemo for 5 years after surgery " * 200,
        "chemo for 5 years after surgery " * 1600,
    )

    # CPU time of this process, the best of three: other processes on a loaded machine do not
    # count, so the ratio measures the reader alone.
    def cost(text: str) -> float:
        runs = []
        for _ in range(3):
            t0 = time.process_time()
            read_plan(text)
            runs.append(time.process_time() - t0)
        return min(runs)

    assert cost(large) < 30 * max(cost(small), 0.01)  # 8x the text, far from 64x


def test_a_plan_in_capitals_is_read():
    reading = read_plan(
        "PLAN: LUMPECTOMY, THEN TC CHEMO X4, THEN RADIATION. TAMOXIFEN FOR 5 YEARS."
    )
    assert {c.modality for c in reading.components} == {
        "surgery",
        "chemotherapy",
        "radiation",
        "endocrine",
    }
    assert kinds("TC X4 THEN TAMOXIFEN", "docetaxel and cyclophosphamide, then tamoxifen") == set()


def test_capitals_do_not_make_acronyms_match_inside_words():
    reading = read_plan("ATTC STEROID TCHPX ACTH. NO ICE, TIP OR MAP WAS GIVEN.")
    assert all(c.modality != "chemotherapy" for c in reading.components)


def test_html_is_read_as_text_and_spans_point_into_the_original():
    html = "<p>Plan: <b>Taxotere</b> &amp; <i>Cytoxan</i> x4</p><script>Taxol()</script>"
    reading = read_plan(html)
    drugs = {d for c in reading.components for d in c.drugs}
    assert drugs == {"docetaxel", "cyclophosphamide"}  # nothing read from inside <script>
    for c in reading.components:
        assert html[c.start : c.end] == c.text


def test_a_plan_naming_thirty_drugs_is_read_without_crashing():
    with (DATA / "drugs.csv").open(encoding="utf-8") as fh:
        names = [row["generic"] for row in csv.DictReader(fh)][60:90]
    reading = read_plan("Options discussed: " + ", ".join(names) + ".")
    found = {d for c in reading.components + reading.history + reading.refused for d in c.drugs}
    assert found <= set(names)
    assert len(found) >= 25


def test_an_unknown_regimen_acronym_is_listed_as_unread():
    reading = read_plan("Starting QXR-5 chemo next week.")
    assert "QXR-5" in reading.unread
    assert all(c.drugs == () for c in reading.components)
    assert kinds("QXR-5", "FOLFOX") == {("added", "chemotherapy")}


def test_drug_names_inside_other_words_make_no_component():
    assert read_plan("targeted biopsy").components[0].modality == "test"
    assert read_plan("ACTH stimulation").components == ()
    assert read_plan("We discussed the act of carboplatinated water.").components == ()


def test_a_batch_line_with_wrong_types_is_an_error_line():
    assert "error" in batch_record('{"id": 1, "first_plan": ["x"], "opinion": "y"}')
    assert "error" in batch_record("[1, 2]")
    assert "error" in batch_record('{"id": "deep", "first_plan": ' + "[" * 5000 + "]" * 5000 + "}")


def test_shuffled_plan_words_never_crash_and_spans_stay_exact():
    path = Path(__file__).parent / "data" / "dev_pairs.jsonl"
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    words = " ".join(r["first_plan"] + " " + r["opinion"] for r in rows).split()
    rng = random.Random(11)
    for _ in range(300):
        text = " ".join(rng.choice(words) for _ in range(rng.randint(0, 50)))
        text = "".join(c if rng.random() > 0.05 else rng.choice("();:,.-/+\n1)2)") for c in text)
        if rng.random() < 0.2:
            text = text.upper()
        reading = read_plan(text)
        for c in reading.components + reading.history + reading.refused:
            assert text[c.start : c.end] == c.text
            assert c.phase >= 1
        compare_plans(reading, read_plan(" ".join(rng.sample(words, 20))))
