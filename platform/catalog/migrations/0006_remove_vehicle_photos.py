"""Photos are uploaded now (platform/media); the column of typed URLs goes (docs/media.md says why)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0005_vehicle_steering"),
        # The URLs typed before uploads existed are kept in media_droppedphotourl first.
        ("media", "0002_keep_dropped_photo_urls"),
    ]

    operations = [
        migrations.RemoveField(
            model_name="vehicle",
            name="photos",
        ),
    ]
