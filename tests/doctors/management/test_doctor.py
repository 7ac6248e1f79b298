"""`secondopinion doctor ...`: the command line lookup, served by respx (never the network)."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from secondopinion.doctors.models import CachedAnswer
from tests.doctors.conftest import load

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = StringIO()
    call_command("doctor", *args, stdout=out)
    return out.getvalue()


def test_it_prints_the_card_in_plain_words(registries):
    text = run("Jane Smith", "--cancer", "breast", "--state", "OR")
    assert "Jane Smith: breast cancer" in text
    assert "Found 31 PubMed articles on breast cancer since" in text
    assert "Leads 2 trials in breast cancer, 1 recruiting." in text
    assert "* 1234567893" in text  # the single NPI match is taken as the doctor
    assert "https://clinicaltrials.gov/study/NCT00000001" in text
    assert registries.npi.calls.last.request.url.params["state"] == "OR"


def test_it_prints_json(registries):
    data = json.loads(run("Jane Smith", "--cancer", "breast", "--json"))
    assert data["pubmed"]["on_cancer_recent"] == 31
    assert data["mesh_heading"] == "Breast Neoplasms"
    assert data["trials"]["recruiting_on_cancer"] == 1


def test_it_narrows_by_affiliation(registries):
    run("Jane Smith", "--cancer", "breast", "--affiliation", "Example University")
    terms = [c.request.url.params["term"] for c in registries.esearch.calls]
    assert all('"Example University"[Affiliation]' in t for t in terms)


def test_it_lists_several_matches_with_a_caution(registries):
    registries.npi_body = load("nppes_several.json")
    text = run("Jane Smith", "--cancer", "breast", "--state", "MA")
    assert "3 doctors with this name are in the NPI registry in MA" in text
    assert "1952381162" in text


def test_it_uses_the_saved_answers_the_second_time(registries):
    run("Jane Smith", "--cancer", "breast")
    calls = registries.call_count
    assert CachedAnswer.objects.count() == calls
    run("Jane Smith", "--cancer", "breast")
    assert registries.call_count == calls


def test_it_fails_plainly_when_offline_with_nothing_saved(registries):
    registries.offline = True
    with pytest.raises(CommandError, match="no internet connection"):
        run("Jane Smith", "--cancer", "breast")


def test_it_refuses_an_unknown_cancer_code():
    with pytest.raises(CommandError):
        run("Jane Smith", "--cancer", "nonsense")
