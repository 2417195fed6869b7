import uuid

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="SearchClick",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("search_id", models.UUIDField(db_index=True)),
                ("vehicle_id", models.BigIntegerField()),
                ("position", models.PositiveIntegerField(blank=True, null=True)),
                ("clicked_at", models.DateTimeField()),
            ],
        ),
        migrations.CreateModel(
            name="SearchLog",
            fields=[
                ("id", models.UUIDField(default=uuid.uuid4, editable=False, primary_key=True, serialize=False)),
                ("searched_at", models.DateTimeField()),
                (
                    "endpoint",
                    models.CharField(choices=[("vehicles", "Vehicles"), ("inventory", "Inventory")], max_length=12),
                ),
                ("query_text", models.CharField(blank=True, max_length=200)),
                ("normalized_query", models.CharField(blank=True, max_length=200)),
                ("filters", models.JSONField(blank=True, default=dict)),
                ("sort", models.CharField(max_length=20)),
                ("page", models.PositiveIntegerField(default=1)),
                ("result_count", models.PositiveIntegerField()),
                ("latency_ms", models.FloatField()),
                ("engine_ms", models.FloatField()),
                ("session_key", models.CharField(blank=True, max_length=64)),
                (
                    "user",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "indexes": [
                    models.Index(fields=["searched_at"], name="searchlog_time"),
                    models.Index(fields=["normalized_query", "searched_at"], name="searchlog_query_time"),
                ],
            },
        ),
    ]
