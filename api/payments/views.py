"""Payment endpoints: thin views over payments.services. Buyers pay and follow their payments; staff
refund and read metrics; Stripe and the mobile-money operators call the webhook and callbacks."""

from __future__ import annotations

import functools
import logging

from django.db import transaction
from django.shortcuts import get_object_or_404
from django.utils.decorators import method_decorator
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.exceptions import APIException, NotFound, ValidationError
from rest_framework.parsers import JSONParser
from rest_framework.permissions import IsAdminUser, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from api.openapi import results_of
from api.throttles import PublicRateThrottle
from buyers.models import Buyer
from catalog.models import Currency
from payments import invoices, metrics, services, states, stripe_gateway, webhooks
from payments.models import Invoice, Method, Payment, Provider
from sales.models import Deal

from . import serializers as s
from .throttles import PaymentAttemptThrottle

log = logging.getLogger(__name__)


class PaymentConflictError(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "payment_conflict"


class PaymentBlockedError(APIException):
    status_code = status.HTTP_429_TOO_MANY_REQUESTS
    default_code = "payment_blocked"


class IdempotencyKeyReusedError(APIException):
    status_code = status.HTTP_422_UNPROCESSABLE_ENTITY
    default_code = "idempotency_key_reused"


class ProviderUnavailableError(APIException):
    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_code = "provider_unavailable"


def payment_errors(view):
    """Service exceptions as API errors: bad input 400 naming the field, never a 500."""

    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        try:
            return view(*args, **kwargs)
        except services.PaymentInputError as exc:
            raise ValidationError({exc.field: [exc.message]}) from None
        except states.IllegalTransition as exc:
            raise PaymentConflictError(str(exc)) from None
        except services.IdempotencyKeyReused as exc:
            raise IdempotencyKeyReusedError(str(exc)) from None
        except services.PaymentConflict as exc:
            raise PaymentConflictError(f"{exc} (payment {exc.payment_id})" if exc.payment_id else str(exc)) from None
        except services.PaymentBlocked as exc:
            raise PaymentBlockedError(str(exc)) from None
        except services.ProviderUnavailable as exc:
            raise ProviderUnavailableError(str(exc)) from None
        except stripe_gateway.PaymentMethodRejected as exc:
            raise ValidationError({"payment_method": [str(exc)]}) from None

    return wrapper


def _buyer(request) -> Buyer:
    buyer = Buyer.objects.filter(user=request.user).first()
    if buyer is None:
        raise ValidationError({"buyer": ["this account has no buyer profile"]})
    return buyer


def _own_payment(request, payment_id) -> Payment:
    query = Payment.objects.select_related("currency")
    if not request.user.is_staff:
        query = query.filter(buyer__user=request.user)
    return get_object_or_404(query, pk=payment_id)


def _payment_response(payment: Payment, *, code: int = 200) -> Response:
    context = {}
    if payment.method == Method.CARD and payment.state == states.REQUIRES_ACTION and payment.provider_reference:
        context["client_secret"] = stripe_gateway.client_secret(payment)
    return Response(s.PaymentSerializer(payment, context=context).data, status=code)


def _client_ip(request) -> str | None:
    # The deployment's proxy sets REMOTE_ADDR to the client's address (one trusted hop).
    return request.META.get("REMOTE_ADDR")


class PaymentListCreateApi(APIView):
    permission_classes = [IsAuthenticated]

    def get_throttles(self):
        return [PaymentAttemptThrottle()] if self.request.method == "POST" else []

    @extend_schema(
        summary="The signed-in buyer's payments, newest first",
        operation_id="v1_payments_list",
        responses=results_of(s.PaymentSerializer),
    )
    def get(self, request):
        payments = (
            Payment.objects.filter(buyer__user=request.user).select_related("currency").order_by("-created_at")[:100]
        )
        return Response({"results": s.PaymentSerializer(payments, many=True).data})

    @extend_schema(
        summary="Start a payment (card or mobile money) for a deal, deposit, shipment or invoice",
        request=s.PaymentCreateSerializer,
        parameters=[
            OpenApiParameter(
                "Idempotency-Key",
                str,
                OpenApiParameter.HEADER,
                description="Up to 64 characters. The same key again returns the first payment (200).",
            )
        ],
        responses={201: s.PaymentSerializer, 200: s.PaymentSerializer},
    )
    @payment_errors
    def post(self, request):
        reached_provider = False
        try:
            payment, created = self._create(request)
            if payment.state == states.CREATED:
                reached_provider = True
                payment = services.submit_payment(payment.id, actor=request.user)
        finally:
            if not reached_provider and getattr(self, "attempt_slot", None):
                self.attempt_slot.release()  # only attempts sent to a provider count against the limit
        return _payment_response(payment, code=201 if created else 200)

    def _create(self, request):
        data = _validated(s.PaymentCreateSerializer, request.data)
        client_key = _idempotency_key(request)
        return services.create_payment(
            user=request.user,
            purpose=data["purpose"],
            method=data["method"],
            deal_id=data.get("deal_id"),
            shipment_id=data.get("shipment_id"),
            invoice_id=data.get("invoice_id"),
            reservation_id=data.get("reservation_id"),
            amount=data.get("amount"),
            payment_method_id=data.get("payment_method", ""),
            provider=data.get("provider", ""),
            phone=data.get("phone", ""),
            country=data.get("country", ""),
            client_key=client_key,
            ip=_client_ip(request),
        )


class PaymentDetailApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(summary="One payment", responses=s.PaymentSerializer)
    def get(self, request, payment_id):
        return _payment_response(_own_payment(request, payment_id))


class PaymentSubmitApi(APIView):
    """Resend an attempt whose provider did not answer: same attempt, same idempotency key."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        summary="Resubmit a payment the provider did not answer", request=None, responses=s.PaymentSerializer
    )
    @payment_errors
    def post(self, request, payment_id):
        payment = _own_payment(request, payment_id)
        return _payment_response(services.submit_payment(payment.id, actor=request.user))


class PaymentConfirmApi(APIView):
    """After the buyer finished 3-D Secure (or approved on the phone): ask the provider now."""

    permission_classes = [IsAuthenticated]

    @extend_schema(
        summary="Refresh a payment from its provider after the buyer acted",
        request=None,
        responses=s.PaymentSerializer,
    )
    @payment_errors
    def post(self, request, payment_id):
        payment = _own_payment(request, payment_id)
        from payments.models import LedgerEntry

        return _payment_response(
            services.refresh_payment(payment.id, cause=LedgerEntry.Cause.API, actor=request.user, reference="confirm")
        )


class PaymentCancelApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(summary="Cancel a payment that has not completed", request=None, responses=s.PaymentSerializer)
    @payment_errors
    def post(self, request, payment_id):
        payment = _own_payment(request, payment_id)
        return _payment_response(services.cancel_payment(payment.id, actor=request.user))


class PaymentRefundApi(APIView):
    permission_classes = [IsAdminUser]

    @extend_schema(
        summary="Refund all or part of a payment (staff)",
        request=s.RefundCreateSerializer,
        parameters=[
            OpenApiParameter(
                "Idempotency-Key",
                str,
                OpenApiParameter.HEADER,
                description="Up to 64 characters. The same key again returns the first refund (200); "
                "the same key with a different body is a 422.",
            )
        ],
        responses={201: s.RefundSerializer, 200: s.RefundSerializer},
    )
    @payment_errors
    def post(self, request, payment_id):
        data = _validated(s.RefundCreateSerializer, request.data)
        payment = get_object_or_404(Payment, pk=payment_id)
        refund, created = services.refund_payment(
            payment.id,
            amount=data.get("amount"),
            reason=data["reason"],
            note=data.get("note", ""),
            actor=request.user,
            client_key=_idempotency_key(request),
        )
        return Response(s.RefundSerializer(refund).data, status=201 if created else 200)


class PaymentLedgerApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        summary="Every state change of a payment, oldest first",
        responses=inline_serializer(
            "PaymentLedger", {"payment": serializers.UUIDField(), "entries": s.LedgerEntrySerializer(many=True)}
        ),
    )
    def get(self, request, payment_id):
        payment = _own_payment(request, payment_id)
        return Response(
            {
                "payment": str(payment.id),
                "entries": s.LedgerEntrySerializer(payment.ledger.order_by("id"), many=True).data,
            }
        )


class PaymentMethodsApi(APIView):
    permission_classes = [IsAuthenticated]
    throttle_classes = [PublicRateThrottle]

    @extend_schema(summary="The buyer's saved cards and which one is the default", responses=OpenApiTypes.OBJECT)
    @payment_errors
    def get(self, request):
        return Response(_stripe(lambda: stripe_gateway.list_payment_methods(_buyer(request))))

    @extend_schema(
        summary="Save a card (a payment method made by Stripe.js) to the buyer's account",
        responses={201: OpenApiTypes.OBJECT},
        request=s.PaymentMethodAttachSerializer,
    )
    @payment_errors
    def post(self, request):
        data = _validated(s.PaymentMethodAttachSerializer, request.data)
        card = _stripe(
            lambda: stripe_gateway.attach_payment_method(
                _buyer(request), data["payment_method"], make_default=data["default"]
            )
        )
        return Response(card, status=201)


class PaymentMethodDefaultApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(
        summary="Make a saved card the default",
        request=None,
        responses=inline_serializer("DefaultPaymentMethod", {"default": serializers.CharField()}),
    )
    @payment_errors
    def post(self, request, payment_method_id):
        _stripe(lambda: stripe_gateway.set_default_payment_method(_buyer(request), payment_method_id))
        return Response({"default": payment_method_id})


def _stripe(call):
    try:
        return call()
    except stripe_gateway.StripeUnavailable:
        raise ProviderUnavailableError("card services are briefly unavailable; please retry") from None


@method_decorator(csrf_exempt, name="dispatch")
class StripeWebhookApi(APIView):
    """Stripe's deliveries: the signature is the authentication."""

    authentication_classes: list = []
    permission_classes: list = []
    parser_classes = [JSONParser]

    @extend_schema(
        summary="Stripe webhook endpoint",
        request=None,
        responses=inline_serializer(
            "StripeWebhookReceipt", {"received": serializers.CharField(), "outcome": serializers.CharField()}
        ),
    )
    def post(self, request):
        try:
            event = webhooks.verify(
                request.body, request.headers.get("Stripe-Signature"), remote_addr=_client_ip(request)
            )
        except webhooks.WebhookRejected as exc:
            raise ValidationError({"Stripe-Signature": [str(exc)]}) from None
        outcome = webhooks.process_event(event)
        return Response({"received": event["id"], "outcome": outcome})


@method_decorator(csrf_exempt, name="dispatch")
class ProviderCallbackApi(APIView):
    """Operators' callbacks. Recorded, then confirmed with the operator's status API before use."""

    authentication_classes: list = []
    permission_classes: list = []
    parser_classes = [JSONParser]

    @extend_schema(summary="Mobile-money operator callback", request=None, responses=OpenApiTypes.OBJECT)
    def post(self, request, provider, payment_id, token):
        if provider not in (Provider.MPESA, Provider.MTN_MOMO, Provider.ORANGE_MONEY, Provider.AIRTEL_MONEY):
            raise NotFound("unknown provider")
        if not isinstance(request.data, dict):
            raise ValidationError({"body": ["must be a JSON object"]})
        try:
            outcome = services.handle_callback(
                provider, payment_id, token, request.data, remote_addr=_client_ip(request)
            )
        except Payment.DoesNotExist:
            raise NotFound("no such payment") from None
        # Operators retry until they get a success answer; M-Pesa expects this shape.
        return Response({"ResultCode": 0, "ResultDesc": "Accepted", "outcome": outcome})

    put = post


@method_decorator(csrf_exempt, name="dispatch")
class AirtelCallbackApi(APIView):
    """Airtel's one callback URL (set in its portal); the transaction id in the body names the payment."""

    authentication_classes: list = []
    permission_classes: list = []
    parser_classes = [JSONParser]

    @extend_schema(
        summary="Airtel Money callback",
        request=s.AirtelCallbackSerializer,
        responses=inline_serializer("AirtelCallbackReceipt", {"outcome": serializers.CharField()}),
    )
    def post(self, request):
        if not isinstance(request.data, dict):
            raise ValidationError({"body": ["must be a JSON object"]})
        _validated(s.AirtelCallbackSerializer, request.data)
        try:
            outcome = services.handle_airtel_callback(request.data, remote_addr=_client_ip(request))
        except Payment.DoesNotExist:
            raise NotFound("no such payment") from None
        return Response({"outcome": outcome})


class PaymentMetricsApi(APIView):
    permission_classes = [IsAdminUser]

    @extend_schema(
        summary="Success and failure rates and time to success, by method and provider (staff)",
        responses=OpenApiTypes.OBJECT,
        parameters=[s.MetricsQuerySerializer],
    )
    def get(self, request):
        query = _validated(s.MetricsQuerySerializer, request.query_params)
        return Response(metrics.payment_metrics(window_minutes=query["window_minutes"]))


class InvoiceListCreateApi(APIView):
    permission_classes = [IsAuthenticated]

    @extend_schema(summary="The buyer's invoices (staff: all), newest first", responses=results_of(s.InvoiceSerializer))
    def get(self, request):
        query = Invoice.objects.order_by("-issued_at")
        if not request.user.is_staff:
            query = query.filter(buyer__user=request.user)
        return Response({"results": s.InvoiceSerializer(query[:200], many=True).data})

    @extend_schema(
        summary="Issue an invoice (staff)", request=s.InvoiceCreateSerializer, responses={201: s.InvoiceSerializer}
    )
    def post(self, request):
        if not request.user.is_staff:
            self.permission_denied(request, message="Only staff issue invoices.")
        data = _validated(s.InvoiceCreateSerializer, request.data)
        buyer = Buyer.objects.filter(pk=data["buyer_id"]).first()
        if buyer is None:
            raise ValidationError({"buyer_id": ["no such buyer"]})
        currency = Currency.objects.filter(pk=data["currency"]).first()
        if currency is None:
            raise ValidationError({"currency": ["unknown currency"]})
        deal = None
        if data.get("deal_id"):
            deal = Deal.objects.filter(pk=data["deal_id"], buyer=buyer).first()
            if deal is None:
                raise ValidationError({"deal_id": ["no such deal of this buyer"]})
        with transaction.atomic():
            invoice = invoices.create_invoice(
                buyer=buyer,
                amount=data["amount"],
                currency=currency,
                due_date=data["due_date"],
                deal=deal,
                description=data.get("description", ""),
            )
        return Response(s.InvoiceSerializer(invoice).data, status=201)


def _idempotency_key(request) -> str:
    """The client's Idempotency-Key header ("" without one): a retry with it never acts twice."""
    key = request.headers.get("Idempotency-Key", "").strip()
    if len(key) > 64:
        raise ValidationError({"Idempotency-Key": ["at most 64 characters"]})
    return key


def _validated(serializer_class, data) -> dict:
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data
