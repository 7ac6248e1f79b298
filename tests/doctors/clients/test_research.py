"""The evidence card: one plain sentence, cautions, the date, and offline behaviour."""

from __future__ import annotations

from datetime import date

import pytest

from secondopinion.doctors.clients.research import (
    ASK_ABOUT_EXPERIENCE,
    CancerTopic,
    DoctorQuery,
    clients_create,
    doctor_research,
    split_name,
)
from tests.doctors.conftest import load

BREAST = CancerTopic("breast cancer", "Breast Neoplasms", ("breast",))
TODAY = date(2026, 3, 3)


@pytest.fixture
def clients(clock, limiter, cache):
    return clients_create(
        email="team@example.org", cache=cache, sleep=clock.sleep, limiter=limiter, now=clock.now
    )


def research(clients, name="Jane Smith", **kw):
    return doctor_research(DoctorQuery(name, BREAST, **kw), clients=clients, today=TODAY)


def test_it_writes_the_one_sentence_summary(registries, clients):
    card = research(clients, state="OR")
    assert card.sentence == (
        "Found 31 PubMed articles on breast cancer since 2021; first or last author on 12. "
        "Leads 2 trials in breast cancer, 1 recruiting."
    )
    assert card.chosen is not None and card.chosen.npi == "1234567893"
    assert card.cautions == ()
    assert card.looked_up is not None and not card.stale


def test_it_lists_the_evidence_links(registries, clients):
    links = research(clients).links()
    urls = [x.url for x in links]
    assert "https://npiregistry.cms.hhs.gov/provider-view/1234567893" in urls
    assert "https://pubmed.ncbi.nlm.nih.gov/39000001/" in urls
    assert "https://clinicaltrials.gov/study/NCT00000001" in urls
    article = next(x for x in links if x.url.endswith("/39000001/"))
    assert article.detail == "J Clin Oncol, 2024"


def test_it_warns_when_several_doctors_share_the_name(registries, clients):
    registries.npi_body = load("nppes_several.json")
    card = research(clients, state="MA")
    assert card.many_matches and card.chosen is None
    assert any("3 doctors with this name" in c for c in card.cautions)
    assert card.cautions[-1] == ASK_ABOUT_EXPERIENCE


def test_it_uses_the_registry_entry_the_patient_chose(registries, clients):
    registries.npi_body = load("nppes_several.json")
    card = research(clients, state="MA", npi="1003000126")
    assert card.chosen is not None and card.chosen.specialty == "Family Medicine"
    assert not any("doctors with this name are in" in c for c in card.cautions)
    # The registry choice does not tell PubMed who is who: say so until a workplace is given.
    assert any("Articles and trials are found by name" in c for c in card.cautions)
    narrowed = research(clients, state="MA", npi="1003000126", affiliation="Example Clinic")
    assert narrowed.cautions == ()


def test_it_says_when_no_doctor_matches(registries, clients):
    registries.npi_body = load("nppes_empty.json")
    card = research(clients, name="Zed Nobody")
    assert any("No doctor with this name" in c for c in card.cautions)
    assert ASK_ABOUT_EXPERIENCE in card.cautions


def test_it_asks_about_experience_when_nothing_on_the_cancer(registries, clients):
    registries.counts = dict.fromkeys(registries.counts, 0)
    registries.ctgov_pages = [load("ctgov_v2_studies_empty.json")] * 2
    card = research(clients)
    assert card.no_evidence_on_cancer
    assert card.sentence == (
        "Found no PubMed articles under this name. No trials led by this doctor are listed on "
        "ClinicalTrials.gov."
    )
    assert ASK_ABOUT_EXPERIENCE in card.cautions
    assert card.to_dict()["no_evidence_on_cancer"] is True


def test_it_narrows_a_common_name_by_affiliation(registries, clients):
    registries.counts["total"] = 5000
    broad = research(clients)
    assert any("Many authors share this name" in c for c in broad.cautions)
    registries.counts["total"] = 140
    narrowed = research(clients, affiliation="Example University Cancer Center")
    terms = [c.request.url.params["term"] for c in registries.esearch.calls[-5:]]
    assert all('"Example University Cancer Center"[Affiliation]' in t for t in terms)
    assert not any("Many authors" in c for c in narrowed.cautions)


def test_it_answers_a_repeat_lookup_from_the_cache(registries, clients):
    research(clients)
    calls = registries.call_count
    again = research(clients)
    assert registries.call_count == calls
    assert again.sentence.startswith("Found 31 PubMed articles")


def test_it_shows_the_old_result_with_its_date_when_offline(registries, clients, clock):
    first = research(clients)
    clock.advance(days=10)  # older than the 7-day expiry
    registries.offline = True
    card = research(clients)
    assert card.sentence == first.sentence
    assert card.stale
    assert card.looked_up == first.looked_up
    assert "Could not refresh these results. They are from March 3, 2026." in card.cautions


def test_it_says_plainly_when_offline_with_nothing_saved(registries, clients):
    registries.offline = True
    card = research(clients)
    assert card.found_nothing and card.offline
    assert card.sentence == (
        "Could not look this doctor up: no internet connection, and nothing saved from before."
    )
    assert ASK_ABOUT_EXPERIENCE in card.cautions
    assert card.to_dict()["looked_up"] is None


def test_it_still_shows_the_other_sources_when_one_fails(registries, clients, api):
    registries.ctgov.respond(400, text="bad")
    registries.ctgov.side_effect = None
    card = research(clients)
    assert card.trials is None
    assert card.sentence.startswith("Found 31 PubMed articles")
    assert "ClinicalTrials.gov turned the request down (error 400)." in card.cautions
    assert not card.no_evidence_on_cancer  # unknown is not the same as none


def test_it_reports_progress_steps(registries, clients):
    steps: list[str] = []
    doctor_research(
        DoctorQuery("Jane Smith", BREAST), clients=clients, today=TODAY, progress=steps.append
    )
    assert steps == ["npi", "pubmed", "trials", "done"]


def test_it_gives_plain_json(registries, clients):
    data = research(clients).to_dict()
    assert data["pubmed"]["on_cancer_recent"] == 31
    assert data["trials"]["recruiting_on_cancer"] == 1
    assert data["looked_up"].startswith("2026-03-03")
    assert data["chosen_npi"]["specialty"] == "Internal Medicine, Medical Oncology"


@pytest.mark.parametrize(
    ("raw", "first", "middle", "last"),
    [
        ("Jane Smith", "Jane", "", "Smith"),
        ("Dr. Jane A. Smith, MD", "Jane", "A", "Smith"),
        ("Smith, Jane", "Jane", "", "Smith"),
        ("Maria van der Berg", "Maria", "", "van der Berg"),
        ("Smith", "", "", "Smith"),
    ],
)
def test_it_splits_names(raw, first, middle, last):
    name = split_name(raw)
    assert (name.first, name.middle, name.last) == (first, middle, last)
