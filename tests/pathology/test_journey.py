"""The pathology stage follows the data: no report, facts to check, all checked, disagreement."""

import datetime

from secondopinion.cases.journey import ATTENTION, DONE, STARTED, TODO
from secondopinion.pathology.facts import fact_review
from secondopinion.pathology.journey import stages
from tests.pathology.helpers import make_report

TODAY = datetime.date(2026, 11, 30)


def test_it_moves_from_todo_to_done(case, owner):
    assert stages(case, TODAY)[0].status == TODO
    doc = make_report(case)
    assert stages(case, TODAY)[0].status == STARTED
    for fact in doc.pathology_reading.facts.all():
        fact_review(fact=fact, action="confirm", user=owner)
    assert stages(case, TODAY)[0].status == DONE


def test_it_asks_for_attention_when_reports_disagree(case, owner):
    for text, name in (("Stage: pT2 pN0\n", "a.pdf"), ("Stage: pT3 pN0\n", "b.pdf")):
        doc = make_report(case, text, name=name)
        fact_review(fact=doc.pathology_reading.facts.get(field="pT"), action="confirm", user=owner)
    assert stages(case, TODAY)[0].status == ATTENTION
