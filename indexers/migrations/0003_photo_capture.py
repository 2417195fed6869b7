"""A vehicle's photos are part of its search document (cover, placeholder, photo count): a change to
them touches the vehicle's row, which re-stamps its version and records a change, like a dealer's
change does (0002). The indexer reads the photos back from Postgres (indexers/rows.py).

Only changes that alter the document count: a photo becoming ready or failed, moving, being deleted,
its variants or placeholder rewritten. A pending upload touches nothing until it is ready.
"""

from django.db import migrations

FORWARD = r"""
CREATE FUNCTION search_touch_photo_vehicles() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        UPDATE catalog_vehicle v SET search_version = 0
         WHERE v.id IN (SELECT vehicle_id FROM new_rows WHERE status = 'ready');
    ELSIF TG_OP = 'DELETE' THEN
        UPDATE catalog_vehicle v SET search_version = 0
         WHERE v.id IN (SELECT vehicle_id FROM old_rows WHERE status = 'ready');
    ELSE
        UPDATE catalog_vehicle v SET search_version = 0
         WHERE v.id IN (
            SELECT n.vehicle_id FROM new_rows n JOIN old_rows o ON o.id = n.id
             WHERE (n.vehicle_id, n.status, n.position, n.variants, n.placeholder, n.illustration, n.width, n.height)
                   IS DISTINCT FROM
                   (o.vehicle_id, o.status, o.position, o.variants, o.placeholder, o.illustration, o.width, o.height)
               AND 'ready' IN (n.status, o.status)
            UNION
            SELECT o.vehicle_id FROM new_rows n JOIN old_rows o ON o.id = n.id
             WHERE n.vehicle_id IS DISTINCT FROM o.vehicle_id AND o.status = 'ready');
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER photo_capture_insert AFTER INSERT ON media_photo
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION search_touch_photo_vehicles();
CREATE TRIGGER photo_capture_update AFTER UPDATE ON media_photo
    REFERENCING NEW TABLE AS new_rows OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION search_touch_photo_vehicles();
CREATE TRIGGER photo_capture_delete AFTER DELETE ON media_photo
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION search_touch_photo_vehicles();
"""

BACKWARD = r"""
DROP TRIGGER photo_capture_delete ON media_photo;
DROP TRIGGER photo_capture_update ON media_photo;
DROP TRIGGER photo_capture_insert ON media_photo;
DROP FUNCTION search_touch_photo_vehicles();
"""


class Migration(migrations.Migration):
    dependencies = [("indexers", "0002_capture_triggers"), ("media", "0001_initial")]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
