"""Keep the photo URLs dealers typed (catalog_vehicle.photos) before catalog drops the column.

They are not fetched: fetching addresses a dealer typed, from inside the platform's network, is how
private services get probed (docs/media.md). Staff can list them and ask the dealer to upload.
"""

from django.db import migrations

FORWARD = """
INSERT INTO media_droppedphotourl (vehicle_id, url, dropped_at)
SELECT v.id, u.url, now() FROM catalog_vehicle v, unnest(v.photos) AS u(url)
"""


class Migration(migrations.Migration):
    dependencies = [("media", "0001_initial"), ("catalog", "0005_vehicle_steering")]

    operations = [migrations.RunSQL(FORWARD, migrations.RunSQL.noop)]
