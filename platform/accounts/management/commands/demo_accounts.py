"""manage.py demo_accounts [--reset] [--url URL]: one account per role, passwords generated and printed once."""

from django.core.management.base import BaseCommand

from accounts.demo import ensure_demo_accounts


class Command(BaseCommand):
    help = "Create one demo account per role (generated passwords, printed once); --reset gives new passwords."

    def add_arguments(self, parser):
        parser.add_argument("--reset", action="store_true", help="new passwords for every demo account")
        parser.add_argument("--url", default="http://127.0.0.1:8000/", help="the site's address, for the printout")

    def handle(self, *args, reset: bool, url: str, **options):
        accounts, dealer = ensure_demo_accounts(reset=reset)
        base = url.rstrip("/")
        new = [a for a in accounts if a.password]
        if not new:
            self.stdout.write(
                "Demo accounts exist (passwords were shown when they were made). "
                "New passwords: .venv/bin/python manage.py demo_accounts --reset"
            )
            return
        self.stdout.write(f"\nDemo accounts (sign in at {base}/accounts/login/; shown only now):")
        for a in new:
            self.stdout.write(f"  {a.role:14} {a.username:18} {a.password}   -> {base}{a.home}")
        self.stdout.write(f"  (dealer accounts belong to dealer #{dealer.pk} {dealer.name})")
