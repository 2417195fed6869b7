from django.core.management.base import BaseCommand

from scoring import simulator


class Command(BaseCommand):
    help = "Write a SYNTHETIC, seeded history of buyers, views, leads and outcomes (development data only)."

    def add_arguments(self, parser):
        parser.add_argument("--leads", type=int, default=20000)
        parser.add_argument("--seed", type=int, default=7)
        parser.add_argument("--reset", action="store_true", help="remove an earlier simulation first")

    def handle(self, *args, leads, seed, reset: bool, **options):
        if reset:
            simulator.reset()
        result = simulator.simulate(leads=leads, seed=seed)
        self.stdout.write(
            f"synthetic data: {result.dealers} dealers, {result.vehicles} vehicles, {result.buyers} buyers, "
            f"{result.views} views, {result.leads} leads ({result.won} won)"
        )
