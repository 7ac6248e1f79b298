"""The question bank: three groups, unique keys."""

from secondopinion.opinions.questions_bank import BANK, GROUPS, bank_by_group, bank_get


def test_it_has_questions_in_each_of_the_three_groups():
    groups = bank_by_group()
    assert list(groups) == list(GROUPS)
    assert all(len(qs) >= 5 for qs in groups.values())


def test_it_gives_every_question_a_unique_key():
    keys = [q.key for q in BANK]
    assert len(keys) == len(set(keys))
    assert bank_get("rev-trials").group == "reviewer"
    assert bank_get("nope") is None
