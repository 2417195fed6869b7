"""Demo accounts: one per role, with generated passwords, the dealer roles linked to a demo dealer."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from django.contrib.auth.models import Group, User
from django.db import transaction

from . import roles

# username -> (role shown, groups, is_staff)
DEMO_ACCOUNTS = {
    "demo-buyer": (roles.BUYER, [roles.BUYER], False),
    "demo-dealer": (roles.DEALER_MEMBER, [], False),
    "demo-dealer-admin": (roles.DEALER_ADMIN, [roles.DEALER_ADMIN], False),
    "demo-broker": (roles.BROKER, [roles.BROKER], False),
    "demo-analyst": (roles.ANALYST, [roles.ANALYST], False),
    "demo-staff": (roles.STAFF, ["staff"], True),
}
DEMO_DEALER_ROLES = (roles.DEALER_MEMBER, roles.DEALER_ADMIN)


@dataclass
class DemoAccount:
    username: str
    role: str
    home: str
    password: str | None  # None: the account existed and keeps its password


def generated_password() -> str:
    return secrets.token_urlsafe(12)


def demo_dealer():
    """The demo data's first dealer, or one made for the purpose when there is no demo data."""
    from catalog.models import Dealer

    dealer = Dealer.objects.order_by("pk").first()
    if dealer is None:
        dealer = Dealer.objects.create(name="Nzila Demo Motors", country="KE", city="Mombasa")
    return dealer


# What the demo buyer owes, so a newcomer has something to pay in test mode: one invoice to pay by card,
# one by mobile money (M-Pesa, the demo buyer being in Kenya). Topped up when they have been paid.
DEMO_INVOICES = (
    ("450.00", "Inspection and export paperwork (demo invoice)"),
    ("120.00", "Port handling at Mombasa (demo invoice)"),
)


def ensure_demo_dues(buyer) -> list:
    """Open invoices for the demo buyer: the ones of DEMO_INVOICES not open now are issued again."""
    from datetime import timedelta
    from decimal import Decimal

    from django.utils import timezone

    from payments.invoices import create_invoice
    from payments.models import Invoice

    open_descriptions = set(
        Invoice.objects.filter(buyer=buyer, status=Invoice.Status.OPEN).values_list("description", flat=True)
    )
    due = timezone.now().date() + timedelta(days=14)
    return [
        create_invoice(buyer=buyer, amount=Decimal(amount), currency_id="USD", due_date=due, description=text)
        for amount, text in DEMO_INVOICES
        if text not in open_descriptions
    ]


@transaction.atomic
def ensure_demo_accounts(*, reset: bool = False) -> tuple[list[DemoAccount], object]:
    """Create the demo accounts that are missing (with new passwords); with `reset`, give every one a
    new password. Passwords are never stored in clear, so only new ones can be reported."""
    from buyers.models import Buyer

    dealer = demo_dealer()
    accounts = []
    for username, (role, group_names, staff) in DEMO_ACCOUNTS.items():
        user, created = User.objects.get_or_create(
            username=username, defaults={"email": f"{username}@demo.nzila.invalid", "is_staff": staff}
        )
        password = None
        if created or reset:
            password = generated_password()
            user.set_password(password)
            user.is_active = True
            user.save()
        user.groups.add(*Group.objects.filter(name__in=group_names))
        if role in DEMO_DEALER_ROLES:
            dealer.members.add(user)
        if role == roles.BUYER:
            buyer, _ = Buyer.objects.get_or_create(user=user, defaults={"full_name": "Demo Buyer", "country": "KE"})
            ensure_demo_dues(buyer)
        roles.forget_roles(user)
        accounts.append(DemoAccount(username=username, role=role, home=roles.home_url(user), password=password))
    return accounts, dealer
