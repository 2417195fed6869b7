"""The buyer's side of their conversations with dealers (/accounts/inquiries/): the list, newest first,
with the dealers' unread answers marked; one thread and its reply form. Another person's thread is a
404, whoever asks."""

from __future__ import annotations

import uuid

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from inquiries import selectors, services
from inquiries.limits import InquiryRefused
from inquiries.models import Inquiry
from web.asking import AskForm


@login_required
def inquiries(request):
    threads = selectors.buyer_inquiries(request.user.pk)
    for thread in threads:
        thread.unread = bool(
            thread.first_response_at and (thread.buyer_read_at is None or thread.buyer_read_at < thread.last_message_at)
        )
    return render(request, "accounts/inquiries.html", {"threads": threads})


@login_required
@require_http_methods(["GET", "POST"])
def inquiry(request, inquiry_id: int):
    try:
        thread = selectors.inquiry_for_buyer(request.user.pk, inquiry_id)
    except Inquiry.DoesNotExist:
        raise Http404("No such conversation.") from None
    error, status = "", 200
    form = AskForm(request.POST or None, initial={"client_key": uuid.uuid4()})
    if request.method == "POST":
        if form.is_valid():
            try:
                services.ask(
                    buyer=thread.buyer,
                    vehicle_id=thread.vehicle_id,
                    body=form.cleaned_data["body"],
                    client_key=form.cleaned_data["client_key"],
                )
            except InquiryRefused as refused:
                error, status = refused.message, 429 if "many" in refused.reason else 400
            else:
                return redirect("accounts:inquiry", inquiry_id=thread.pk)
        else:
            status = 400
    else:
        services.mark_read(thread, side="buyer")
    context = {
        "thread": thread,
        "messages_shown": selectors.thread_messages(thread, side="buyer"),
        "form": form if status != 200 else AskForm(initial={"client_key": uuid.uuid4()}),
        "error": error,
    }
    return render(request, "accounts/inquiry.html", context, status=status)
