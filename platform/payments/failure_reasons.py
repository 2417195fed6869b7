"""Why a payment failed, in words a buyer can act on and in their language, from the failure code we
store (Stripe's decline or error code, `<operator>_<code>` for mobile money, `no_answer`). The provider's
own message stays on the payment for staff; it is English and worded for developers."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

# Stripe's codes (https://docs.stripe.com/declines/codes, https://docs.stripe.com/error-codes).
_CARD = {
    "insufficient_funds": _("The card has too little money on it. Try another card or top it up."),
    "expired_card": _("The card has expired. Try another card."),
    "incorrect_cvc": _("The security code (CVC) is wrong. Check it and try again."),
    "incorrect_number": _("The card number is wrong. Check it and try again."),
    "processing_error": _("The card could not be processed. Try again in a moment."),
    "authentication_required": _("Your bank asked you to confirm the payment and it was not confirmed."),
    "payment_intent_authentication_failure": _("Your bank asked you to confirm the payment and it was not confirmed."),
}
_CARD_DECLINED = _("Your bank declined the card. Try another card, or ask your bank why.")
# Mobile money: M-Pesa's result codes; the other operators' statuses.
_MOBILE = {
    "mpesa_1": _("Your mobile-money balance is too low for this payment."),
    "mpesa_1032": _("The request was cancelled on your phone."),
    "mpesa_1037": _("Your phone could not be reached. Check it is on and try again."),
    "mpesa_2001": _("The PIN entered on your phone was wrong."),
}
_MOBILE_DECLINED = _("The payment was declined on your phone.")
_NO_ANSWER = _("No approval came from your phone in time. Try again when you are ready.")
_OPERATORS = ("mpesa_", "mtn_", "orange_", "airtel_")


def buyer_reason(failure_code: str) -> str:
    """The sentence the buyer's pages show for a failed payment (empty when there is no code)."""
    code = (failure_code or "").lower()
    if not code:
        return ""
    if code == "no_answer" or code.endswith(("_expired", "_timeout")):
        return str(_NO_ANSWER)
    if code in _MOBILE:
        return str(_MOBILE[code])
    if code.startswith(_OPERATORS):
        return str(_MOBILE_DECLINED)
    return str(_CARD.get(code, _CARD_DECLINED))
