"""What each import fault means, in words a dealer reads (translated): the report's codes stay for
counting and for programs, people get these sentences."""

from __future__ import annotations

from django.utils.translation import gettext_lazy

from ..prices import RULE

# reason -> sentence; %(detail)s is the value the row holds where the sentence quotes it.
WORDS = {
    "malformed_row": gettext_lazy(
        "The row does not have as many cells as the header: a stray comma, or a missing quotation mark?"
    ),
    "empty_row": gettext_lazy("The row is empty."),
    "invalid_text": gettext_lazy("A cell holds a character that cannot be stored (%(detail)s)."),
    "missing_column": gettext_lazy("The file has no column named %(detail)s."),
    "invalid_vin": gettext_lazy(
        "The VIN “%(detail)s” is not valid: 11 to 17 letters and digits, never I, O or Q. Leave it empty if unknown."
    ),
    "missing_make": gettext_lazy("The make is missing or not one we know."),
    "missing_model": gettext_lazy("The model is missing."),
    "unknown_currency": gettext_lazy("The currency “%(detail)s” is not one we know: use a code such as USD or KES."),
    "missing_price": gettext_lazy("The price is missing or not a number (“%(detail)s”)."),
    "implausible_price": gettext_lazy("The price “%(detail)s” is out of range."),
    "missing_year": gettext_lazy("The year is missing or not a number (“%(detail)s”)."),
    "implausible_year": gettext_lazy("The year “%(detail)s” is not between 1900 and next year."),
    "unknown_vehicle_id": gettext_lazy("The id %(detail)s is not one of your vehicles: leave it empty for a new one."),
    "missing_reference": gettext_lazy("The row has neither a reference (your stock number) nor a VIN."),
    "invalid_reference": gettext_lazy("The reference “%(detail)s” is longer than 80 characters."),
    "duplicate_listing": gettext_lazy("The same vehicle (reference or VIN) is in an earlier row of this file."),
}

# Where the row holds nothing to quote.
WORDS_FOR_EMPTY = {
    "missing_price": gettext_lazy("The price is missing."),
    "missing_year": gettext_lazy("The year is missing."),
}


def fault_words(reason: str, detail: str) -> str:
    """One fault as a sentence in the active language (an unknown code still says what it is)."""
    words = (WORDS_FOR_EMPTY.get(reason) if not detail else None) or WORDS.get(reason)
    if words is None:
        return f"{reason}: {detail}" if detail else reason
    sentence = str(words) % {"detail": detail or "—"}
    if reason == "implausible_price":
        sentence = f"{sentence} {RULE}"
    return sentence


def faults_by_row(rejects) -> list[dict]:
    """The report's rejects (row, line, reason, detail), one entry per row with all its faults in words."""
    rows: dict[int, dict] = {}
    for number, line, reason, detail in rejects:
        entry = rows.setdefault(number, {"row": number, "line": line, "faults": []})
        entry["faults"].append(fault_words(reason, detail))
    return list(rows.values())
