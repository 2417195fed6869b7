from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("payments", "0004_refund_idempotency_key"),
    ]

    operations = [
        migrations.AddField(
            model_name="stripecustomer",
            name="default_changes",
            field=models.PositiveIntegerField(default=0),
        ),
    ]
