"""Capture in the database: every write path to a vehicle's search document leaves a change record.

- A BEFORE row trigger stamps each inserted or updated vehicle with the next value of one sequence:
  the document's version. Row locks order concurrent updates of one row, so the later commit always
  carries the higher version, and a late or replayed write can never overwrite a newer document.
- AFTER statement triggers with transition tables append one change per touched row (cheap for bulk
  inserts, COPY and mass updates) and NOTIFY the listener, which kicks a drain. NOTIFY is delivered
  only on commit, so a rolled-back transaction leaves neither a change nor a kick.
- A dealer's or a currency's change that alters its vehicles' documents (name, place, rating, rate)
  touches those vehicle rows, so they get new versions and changes through the same path.
"""

from django.db import migrations

FORWARD = r"""
CREATE SEQUENCE search_version_seq;

CREATE FUNCTION search_stamp_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.search_version := nextval('search_version_seq');
    RETURN NEW;
END $$;

-- Each change carries the version it stands for: the row's own after an insert or update, a fresh
-- one after a delete (drawn after the row's last, so the delete outranks every earlier write).
CREATE FUNCTION search_capture_vehicle_changes() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        INSERT INTO indexers_searchchange (entity, object_id, version)
        SELECT 'vehicle', id, nextval('search_version_seq') FROM old_rows;
    ELSE
        INSERT INTO indexers_searchchange (entity, object_id, version)
        SELECT 'vehicle', id, search_version FROM new_rows;
    END IF;
    IF FOUND THEN
        PERFORM pg_notify('search_changes', '');
    END IF;
    RETURN NULL;
END $$;

CREATE TRIGGER vehicle_search_version BEFORE INSERT OR UPDATE ON catalog_vehicle
    FOR EACH ROW EXECUTE FUNCTION search_stamp_version();
CREATE TRIGGER vehicle_capture_insert AFTER INSERT ON catalog_vehicle
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION search_capture_vehicle_changes();
CREATE TRIGGER vehicle_capture_update AFTER UPDATE ON catalog_vehicle
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION search_capture_vehicle_changes();
CREATE TRIGGER vehicle_capture_delete AFTER DELETE ON catalog_vehicle
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION search_capture_vehicle_changes();

CREATE FUNCTION search_touch_dealer_vehicles() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- Only fields that appear in a vehicle's document; the no-op write re-stamps the version.
    UPDATE catalog_vehicle v SET search_version = 0
      FROM new_rows n JOIN old_rows o ON o.id = n.id
     WHERE v.dealer_id = n.id
       AND (n.name, n.country, n.city, n.latitude, n.longitude, n.rating, n.verified)
           IS DISTINCT FROM (o.name, o.country, o.city, o.latitude, o.longitude, o.rating, o.verified);
    RETURN NULL;
END $$;

CREATE TRIGGER dealer_capture_update AFTER UPDATE ON catalog_dealer
    REFERENCING NEW TABLE AS new_rows OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION search_touch_dealer_vehicles();

CREATE FUNCTION search_touch_currency_vehicles() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE catalog_vehicle v SET search_version = 0
      FROM new_rows n JOIN old_rows o ON o.code = n.code
     WHERE v.currency_id = n.code AND n.units_per_usd IS DISTINCT FROM o.units_per_usd;
    RETURN NULL;
END $$;

CREATE TRIGGER currency_capture_update AFTER UPDATE ON catalog_currency
    REFERENCING NEW TABLE AS new_rows OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION search_touch_currency_vehicles();
"""

BACKWARD = r"""
DROP TRIGGER currency_capture_update ON catalog_currency;
DROP TRIGGER dealer_capture_update ON catalog_dealer;
DROP TRIGGER vehicle_capture_delete ON catalog_vehicle;
DROP TRIGGER vehicle_capture_update ON catalog_vehicle;
DROP TRIGGER vehicle_capture_insert ON catalog_vehicle;
DROP TRIGGER vehicle_search_version ON catalog_vehicle;
DROP FUNCTION search_touch_currency_vehicles();
DROP FUNCTION search_touch_dealer_vehicles();
DROP FUNCTION search_capture_vehicle_changes();
DROP FUNCTION search_stamp_version();
DROP SEQUENCE search_version_seq;
"""


class Migration(migrations.Migration):
    dependencies = [
        ("indexers", "0001_initial"),
        ("catalog", "0001_initial"),
    ]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
