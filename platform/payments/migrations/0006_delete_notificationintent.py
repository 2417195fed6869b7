"""Payment notifications move to the notifications outbox. Recorded intents are carried over as events
already processed (they were told, or mailed, before), so their dedupe keys keep holding and staff
alerts nobody resolved still count as open."""

from django.db import migrations


def carry_over(apps, schema_editor):
    Intent = apps.get_model("payments", "NotificationIntent")
    OutboxEvent = apps.get_model("notifications", "OutboxEvent")
    rows = []
    for intent in Intent.objects.select_related("buyer").iterator():
        rows.append(
            OutboxEvent(
                event_type=intent.kind,
                payload={
                    "subject": intent.subject,
                    "body": intent.body,
                    "payment_id": str(intent.payment_id) if intent.payment_id else None,
                    "invoice_id": intent.invoice_id,
                },
                recipients=[intent.buyer.user_id] if intent.buyer_id else [],
                occurred_at=intent.created_at,
                processed_at=intent.sent_at or intent.resolved_at or intent.created_at,
                dedupe_key=intent.dedupe_key,
            )
        )
    OutboxEvent.objects.bulk_create(rows, batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [
        ("payments", "0005_stripecustomer_default_changes"),
        ("notifications", "0006_outboxevent_dedupe_key"),
    ]

    operations = [
        migrations.RunPython(carry_over, migrations.RunPython.noop),
        migrations.DeleteModel(name="NotificationIntent"),
    ]
