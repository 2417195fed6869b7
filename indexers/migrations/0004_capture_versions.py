"""Changes carry the document version they stand for; deletes draw a fresh one from the sequence."""

from django.db import migrations

FORWARD = r"""
CREATE OR REPLACE FUNCTION search_capture_vehicle_changes() RETURNS trigger LANGUAGE plpgsql AS $$
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
"""

BACKWARD = r"""
CREATE OR REPLACE FUNCTION search_capture_vehicle_changes() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        INSERT INTO indexers_searchchange (entity, object_id) SELECT 'vehicle', id FROM old_rows;
    ELSE
        INSERT INTO indexers_searchchange (entity, object_id) SELECT 'vehicle', id FROM new_rows;
    END IF;
    IF FOUND THEN
        PERFORM pg_notify('search_changes', '');
    END IF;
    RETURN NULL;
END $$;
"""


class Migration(migrations.Migration):
    dependencies = [("indexers", "0003_change_version_and_builds")]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
