"""`secondopinion doctor "Jane Smith" --cancer breast [--affiliation ...] [--state MA] [--json]`

Looks a doctor up in the NPI registry, PubMed and ClinicalTrials.gov and prints the evidence card.
Answers are saved in the database for 7 days, so a repeat run needs no network. `--live` skips
the saved answers and checks that each live service still answers in the shape we expect: a smoke
test for a person with internet, never run by the test suite.
"""

from __future__ import annotations

import json
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from secondopinion.cases.cancer_types import BY_CODE
from secondopinion.doctors.clients.base import NoCache
from secondopinion.doctors.clients.research import (
    DoctorQuery,
    EvidenceCard,
    clients_create,
    day_words,
    doctor_research,
)
from secondopinion.doctors.models import DatabaseCache
from secondopinion.doctors.topics import cancer_topic


class Command(BaseCommand):
    help = "Research a doctor's public record on one cancer (PubMed, ClinicalTrials.gov, NPI)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("name", help='The doctor\'s full name, e.g. "Jane Smith".')
        parser.add_argument(
            "--cancer",
            required=True,
            choices=sorted(BY_CODE),
            metavar="CODE",
            help="Cancer type code from the case list, e.g. breast, prostate, melanoma.",
        )
        parser.add_argument("--affiliation", default="", help="Hospital or university.")
        parser.add_argument("--state", default="", help="Two-letter state for the NPI search.")
        parser.add_argument("--npi", default="", help="The NPI number, if you know which entry.")
        parser.add_argument("--json", action="store_true", help="Print the card as JSON.")
        parser.add_argument(
            "--live",
            action="store_true",
            help="Ignore saved answers and check the live services (needs internet).",
        )

    def handle(self, *args, **options) -> None:
        query = DoctorQuery(
            full_name=options["name"],
            cancer=cancer_topic(options["cancer"]),
            affiliation=options["affiliation"],
            state=options["state"].upper(),
            npi=options["npi"],
        )
        cache = NoCache() if options["live"] else DatabaseCache()
        clients = clients_create(
            email=settings.CONTACT_EMAIL,
            api_key=settings.NCBI_API_KEY,
            cache=cache,
            budgets=settings.DOCTOR_LOOKUP_BUDGETS,
        )
        started = time.monotonic()
        try:
            card = doctor_research(query, clients=clients, today=timezone.localdate())
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        finally:
            clients.close()
        elapsed = time.monotonic() - started
        if options["json"]:
            self.stdout.write(json.dumps(card.to_dict(), indent=2))
        else:
            self._print(card)
        if options["live"]:
            self._live_report(card, elapsed)
        if card.found_nothing:
            raise CommandError(card.sentence)

    def _print(self, card: EvidenceCard) -> None:
        out = self.stdout.write
        out(f"{card.doctor_name}: {card.cancer.label}")
        out("")
        out(card.sentence)
        for caution in card.cautions:
            out(f"  ! {caution}")
        if card.looked_up:
            out(f"Looked up {day_words(card.looked_up)}.")
        if card.npi is not None and card.npi.matches:
            out("")
            out("NPI registry:")
            for m in card.npi.matches:
                mark = "*" if card.chosen and card.chosen.npi == m.npi else " "
                where = m.location.one_line() if m.location else ""
                out(f" {mark} {m.npi}  {m.display_name}  {m.specialty}  {where}".rstrip())
        if card.pubmed is not None:
            pub = card.pubmed
            out("")
            out(
                f"PubMed: {pub.total} in all, {pub.recent} since {card.since_year}, "
                f"{pub.on_cancer} on {card.cancer.label} ({pub.on_cancer_recent} since "
                f"{card.since_year}, first or last author on {pub.lead_on_cancer_recent})."
            )
            for a in pub.relevant_articles or pub.recent_articles:
                out(f"  {a.year or '----'}  {a.journal}: {a.title}  {a.link}")
            out(f"  All results: {pub.search_url}")
        if card.trials is not None and card.trials.trials:
            out("")
            out("ClinicalTrials.gov:")
            for t in card.trials.trials:
                on = "  [your cancer]" if t in card.trials_on_cancer else ""
                out(f"  {t.nct_id}  {t.status_words}; {t.phase_words}{on}: {t.title}  {t.link}")

    def _live_report(self, card: EvidenceCard, elapsed: float) -> None:
        out = self.stdout.write
        out("")
        out(f"Live check ({elapsed:.1f} s):")
        for source, result in (
            ("NPI registry", card.npi),
            ("PubMed", card.pubmed),
            ("ClinicalTrials.gov", card.trials),
        ):
            out(f"  {source}: {'answered' if result is not None else 'FAILED'}")
        for problem in card.problems:
            out(f"  {problem.source}: {problem.message}")
