"""Reference data reaches the index through the vehicle capture, never around it.

A change of a rate or a rule re-stamps the listable vehicle rows whose estimate it can alter (the
no-op write draws a new search_version through the vehicle trigger, indexers 0002), in the same
transaction as the change: the ordinary drain then rebuilds those documents from the new rates,
with external versions, like any write. Freight and export origins touch the cars standing in the
countries of the affected regions; ports, insurance, taxes, surcharges and rules touch every
listable car (each has an estimate for every port). Sold and withdrawn rows are not in the index;
a row that becomes listable is re-stamped by that write and built from the rates of that moment.
"""

from django.db import migrations

ALL_TABLES = (
    "delivery_port",
    "delivery_insurancerate",
    "delivery_importtax",
    "delivery_agesurcharge",
    "delivery_importrule",
)

FORWARD = r"""
CREATE FUNCTION delivery_touch_vehicles(countries text[]) RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE touched bigint;
BEGIN
    UPDATE catalog_vehicle SET search_version = 0
     WHERE status IN ('available', 'reserved') AND (countries IS NULL OR country = ANY(countries));
    GET DIAGNOSTICS touched = ROW_COUNT;
    RETURN touched;
END $$;

CREATE FUNCTION delivery_touch_all() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM delivery_touch_vehicles(NULL);
    RETURN NULL;
END $$;

CREATE FUNCTION delivery_touch_freight() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE regions text[];
BEGIN
    IF TG_OP = 'INSERT' THEN
        SELECT array_agg(DISTINCT region) INTO regions FROM new_rows;
    ELSIF TG_OP = 'DELETE' THEN
        SELECT array_agg(DISTINCT region) INTO regions FROM old_rows;
    ELSE
        SELECT array_agg(DISTINCT region) INTO regions FROM (SELECT region FROM new_rows UNION SELECT region FROM old_rows) r;
    END IF;
    IF regions IS NOT NULL THEN
        PERFORM delivery_touch_vehicles(
            (SELECT array_agg(DISTINCT country::text) FROM delivery_exportorigin WHERE region = ANY(regions)));
    END IF;
    RETURN NULL;
END $$;

CREATE FUNCTION delivery_touch_origin() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE countries text[];
BEGIN
    IF TG_OP = 'INSERT' THEN
        SELECT array_agg(DISTINCT country::text) INTO countries FROM new_rows;
    ELSIF TG_OP = 'DELETE' THEN
        SELECT array_agg(DISTINCT country::text) INTO countries FROM old_rows;
    ELSE
        SELECT array_agg(DISTINCT c) INTO countries
          FROM (SELECT country::text AS c FROM new_rows UNION SELECT country::text FROM old_rows) r;
    END IF;
    IF countries IS NOT NULL THEN
        PERFORM delivery_touch_vehicles(countries);
    END IF;
    RETURN NULL;
END $$;
"""


def _transition_triggers(table: str, function: str) -> str:
    return "\n".join(
        f"CREATE TRIGGER {table}_{op.lower()}_restamp AFTER {op} ON {table} REFERENCING {refs} "
        f"FOR EACH STATEMENT EXECUTE FUNCTION {function}();"
        for op, refs in (
            ("INSERT", "NEW TABLE AS new_rows"),
            ("UPDATE", "NEW TABLE AS new_rows OLD TABLE AS old_rows"),
            ("DELETE", "OLD TABLE AS old_rows"),
        )
    )


TRIGGERS = "\n".join(
    [
        _transition_triggers("delivery_freightrate", "delivery_touch_freight"),
        _transition_triggers("delivery_exportorigin", "delivery_touch_origin"),
        *(
            f"CREATE TRIGGER {table}_restamp AFTER INSERT OR UPDATE OR DELETE ON {table} "
            "FOR EACH STATEMENT EXECUTE FUNCTION delivery_touch_all();"
            for table in ALL_TABLES
        ),
    ]
)

BACKWARD = "\n".join(
    [
        *(
            f"DROP TRIGGER {table}_{op}_restamp ON {table};"
            for table in ("delivery_freightrate", "delivery_exportorigin")
            for op in ("insert", "update", "delete")
        ),
        *(f"DROP TRIGGER {table}_restamp ON {table};" for table in ALL_TABLES),
        "DROP FUNCTION delivery_touch_origin(); DROP FUNCTION delivery_touch_freight();",
        "DROP FUNCTION delivery_touch_all(); DROP FUNCTION delivery_touch_vehicles(text[]);",
    ]
)


class Migration(migrations.Migration):
    dependencies = [
        ("delivery", "0002_seed_reference_data"),
        ("catalog", "0005_vehicle_steering"),
        ("indexers", "0002_capture_triggers"),
    ]

    operations = [migrations.RunSQL(FORWARD + TRIGGERS, BACKWARD)]
