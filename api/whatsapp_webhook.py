"""The WhatsApp Cloud API webhook: the subscription handshake (GET) and signed notifications (POST)."""

import logging

from django.http import HttpResponse, HttpResponseForbidden, JsonResponse
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.csrf import csrf_exempt

from notifications.webhooks import InvalidWebhookBody, apply_webhook, handshake, valid_signature

log = logging.getLogger(__name__)


@method_decorator(csrf_exempt, name="dispatch")
class WhatsAppWebhookApi(View):
    """A plain Django view: the signature covers the raw body, which must be read before any parsing."""

    def get(self, request):
        challenge = handshake(
            request.GET.get("hub.mode"), request.GET.get("hub.verify_token"), request.GET.get("hub.challenge")
        )
        if challenge is None:
            return HttpResponseForbidden("verification failed")
        return HttpResponse(challenge, content_type="text/plain")

    def post(self, request):
        body = request.body
        if not valid_signature(body, request.headers.get("X-Hub-Signature-256")):
            log.warning("WhatsApp webhook with a bad signature refused")
            return JsonResponse({"error": {"code": "bad_signature", "message": "signature mismatch"}}, status=401)
        try:
            counts = apply_webhook(body)
        except InvalidWebhookBody as exc:
            return JsonResponse({"error": {"code": "invalid_body", "message": str(exc)}}, status=400)
        return JsonResponse(counts)
