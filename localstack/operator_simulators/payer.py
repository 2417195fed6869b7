"""What the simulated payer does with a mobile-money prompt, decided by the payer's number (as MTN's
sandbox does with its test numbers). Pure; the pay page shows the same rules (payments.testmode)."""

from __future__ import annotations

# Last two digits of a payer's number -> what the simulated payer does (anything else approves).
DECLINES = "01"
NEVER_ANSWERS = "02"
# Seconds the simulated payer takes to approve or decline on the phone.
DECISION_SECONDS = 3


def outcome(phone: str) -> str:
    """`success`, `failed` (the payer declines) or `silent` (the prompt is never answered)."""
    digits = "".join(ch for ch in phone if ch.isdigit())
    if digits.endswith(DECLINES):
        return "failed"
    if digits.endswith(NEVER_ANSWERS):
        return "silent"
    return "success"
