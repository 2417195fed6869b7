"""Domain events captured in the database: a new deal, a new shipment and a shipment's status change
append an outbox event in the same transaction, on every write path (ORM, bulk_create, queryset.update(),
raw SQL). A rolled-back write leaves no event; statement triggers with transition tables keep bulk
writes to one INSERT."""

from django.db import migrations

FORWARD = r"""
CREATE FUNCTION notifications_capture_deal_created() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO notifications_outboxevent (event_type, payload)
    SELECT 'deal_created', jsonb_build_object('deal_id', id) FROM new_rows ORDER BY id;
    RETURN NULL;
END $$;

CREATE FUNCTION notifications_capture_shipment_created() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO notifications_outboxevent (event_type, payload)
    SELECT 'shipment_status_changed', jsonb_build_object('shipment_id', id, 'status', status)
      FROM new_rows ORDER BY id;
    RETURN NULL;
END $$;

CREATE FUNCTION notifications_capture_shipment_status() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO notifications_outboxevent (event_type, payload)
    SELECT 'shipment_status_changed',
           jsonb_build_object('shipment_id', n.id, 'status', n.status, 'previous_status', o.status)
      FROM new_rows n JOIN old_rows o ON o.id = n.id
     WHERE n.status IS DISTINCT FROM o.status ORDER BY n.id;
    RETURN NULL;
END $$;

CREATE TRIGGER deal_notify_insert AFTER INSERT ON sales_deal
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION notifications_capture_deal_created();
CREATE TRIGGER shipment_notify_insert AFTER INSERT ON sales_shipment
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION notifications_capture_shipment_created();
CREATE TRIGGER shipment_notify_status AFTER UPDATE ON sales_shipment
    REFERENCING NEW TABLE AS new_rows OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION notifications_capture_shipment_status();
"""

BACKWARD = r"""
DROP TRIGGER shipment_notify_status ON sales_shipment;
DROP TRIGGER shipment_notify_insert ON sales_shipment;
DROP TRIGGER deal_notify_insert ON sales_deal;
DROP FUNCTION notifications_capture_shipment_status();
DROP FUNCTION notifications_capture_shipment_created();
DROP FUNCTION notifications_capture_deal_created();
"""


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0001_initial"),
        ("sales", "0001_initial"),
    ]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
