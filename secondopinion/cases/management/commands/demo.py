from django.core.management.base import BaseCommand

from secondopinion.cases.demo import DEMO_EMAIL, DEMO_PASSWORD, demo_create


class Command(BaseCommand):
    help = "Create a clearly fictional demo account and case to look around with."

    def handle(self, *args, **options):
        _, case = demo_create()
        self.stdout.write(f"Demo ready. Sign in with {DEMO_EMAIL} / {DEMO_PASSWORD}")
        self.stdout.write(f"Demo case id: {case.public_id}")
