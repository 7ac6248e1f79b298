"""Search the cancer-center directory from a ZIP code, nearest first.

    secondopinion centers --zip 02115 [--radius-miles 300] [--remote-only] [--json]

An unknown or malformed ZIP exits with an error message and a non-zero status.
"""

import json

from django.core.management.base import BaseCommand, CommandError

from secondopinion.centers.directory import ACCESS_LABELS, DESIGNATION_KEYS
from secondopinion.centers.geo import ZipError, search_by_zip
from secondopinion.centers.loading import listed_index


class Command(BaseCommand):
    help = "List cancer centers nearest a US ZIP code."

    def add_arguments(self, parser):
        parser.add_argument("--zip", required=True, dest="zip_code", help="5-digit US ZIP code")
        parser.add_argument(
            "--radius-miles", type=float, default=None, help="default: any distance"
        )
        parser.add_argument("--remote-only", action="store_true", help="only remote programs")
        parser.add_argument("--patients-only", action="store_true", help="leave out research labs")
        parser.add_argument("--state", action="append", default=[], help="two-letter state code")
        parser.add_argument(
            "--designation", action="append", default=[], choices=sorted(DESIGNATION_KEYS)
        )
        parser.add_argument("--json", action="store_true", help="print JSON")

    def handle(self, *args, **options):
        try:
            result = search_by_zip(
                listed_index(),
                options["zip_code"],
                radius_miles=options["radius_miles"],
                designations=[DESIGNATION_KEYS[d] for d in options["designation"]],
                states=options["state"],
                remote_only=options["remote_only"],
                patients_only=options["patients_only"],
            )
        except ZipError as exc:
            raise CommandError(str(exc)) from exc
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        origin = result.origin
        if options["json"]:
            payload = {
                "zip": origin.zip_code,
                "place": f"{origin.city}, {origin.state}",
                "radius_miles": options["radius_miles"],
                "centers": [
                    {
                        "name": h.center.name,
                        "city": h.center.city,
                        "state": h.center.state,
                        "designation": h.center.designation,
                        "sees_patients": h.center.sees_patients,
                        "miles": round(h.miles, 1),
                        "remote_second_opinion": h.center.remote_second_opinion,
                        "remote": h.center.remote_label,
                        "remote_access": [
                            {"tag": t, "meaning": ACCESS_LABELS[t]} for t in h.center.remote_access
                        ],
                        "website": h.center.website_url,
                        "phone": h.center.phone or None,
                        "second_opinion_phone": h.center.second_opinion_phone or None,
                        "phone_source": h.center.phone_source or None,
                    }
                    for h in result.hits
                ],
            }
            self.stdout.write(json.dumps(payload, indent=2))
            return
        within = (
            f"within {options['radius_miles']:g} miles"
            if options["radius_miles"]
            else "at any distance"
        )
        self.stdout.write(
            f"{len(result.hits)} centers {within} of {origin.zip_code} ({origin.city}, {origin.state})"
        )
        for h in result.hits:
            lab = "  [research lab: does not see patients]" if not h.center.sees_patients else ""
            self.stdout.write(
                f"{h.miles:7.1f} mi  {h.center.name} ({h.center.city}, {h.center.state})"
                f"  remote: {h.center.remote_label}{lab}"
            )
            phones = [
                f"{label} {number}"
                for label, number in (
                    ("phone", h.center.phone),
                    ("second opinions", h.center.second_opinion_phone),
                )
                if number
            ]
            if phones:
                self.stdout.write(f"{'':12}{'; '.join(phones)}")
