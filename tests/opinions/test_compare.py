"""Differences between the first plan and each opinion, and the questions drafted from them."""

from secondopinion.opinions.compare import (
    CONFIRMS,
    LOCAL,
    PROPOSES_OTHER,
    REVIEWER,
    OpinionView,
    Plan,
    compare,
    same,
)

FIRST = Plan(
    diagnosis="Invasive ductal carcinoma, stage II",
    summary="Surgery first, then radiation",
    recommendations=["Lumpectomy", "Radiation therapy"],
)


def test_it_finds_nothing_to_flag_when_an_opinion_agrees_in_other_words():
    same_view = OpinionView(
        "Dr. A", CONFIRMS, "invasive ductal carcinoma stage II", ["radiation therapy", "lumpectomy"]
    )
    result = compare(FIRST, [same_view])
    assert result.differences == []
    assert not any(cell.differs for row in result.rows for cell in row.opinions)


def test_it_explains_each_difference_and_drafts_questions():
    other = OpinionView(
        "Dr. B",
        PROPOSES_OTHER,
        "Invasive lobular carcinoma, stage II",
        ["Chemotherapy before surgery", "Lumpectomy"],
        tests=["Oncotype DX"],
        trials=["NCT01234567"],
    )
    result = compare(FIRST, [other], goals=["Keep working"])
    topics = [d.topic for d in result.differences]
    assert topics == ["stance", "diagnosis", "added", "left_out", "test", "trial"]
    assert "Chemotherapy before surgery" in result.differences[2].text
    asks = {q.ask for q in result.questions}
    assert asks == {REVIEWER, LOCAL}
    assert any("Keep working" in q.text for q in result.questions)


def test_it_handles_a_third_opinion_and_notes_when_opinions_disagree():
    agree = OpinionView("Dr. A", CONFIRMS)
    differ = OpinionView("Dr. B", PROPOSES_OTHER)
    third = OpinionView("Dr. C", CONFIRMS)
    result = compare(FIRST, [agree, differ, third])
    assert all(len(row.opinions) == 3 for row in result.rows)
    assert result.differences[-1].topic == "between"


def test_it_treats_a_negation_as_a_difference():
    assert not same("surgery", "no surgery")
    assert same("Radiation therapy", "radiation  THERAPY.")
