from django.core.management.base import BaseCommand

from indexers.reconcile import reconcile


class Command(BaseCommand):
    help = "Compare Postgres with the vehicle index (per-bucket checksums) and repair differences."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="report differences without repairing")

    def handle(self, *args, **options):
        report = reconcile(repair=not options["dry_run"])
        self.stdout.write(
            f"{report.index_name}: Postgres {report.rows_expected} listable rows, index {report.documents_found} "
            f"documents; {report.buckets_mismatched} bucket(s) differed; missing {len(report.missing)}, "
            f"stale {len(report.stale)}, extra {len(report.extra)}, in flight {report.in_flight}; "
            f"repaired {report.repaired}; remaining {report.remaining_differences}"
        )
        for label, ids in (("missing", report.missing), ("stale", report.stale), ("extra", report.extra)):
            if ids:
                self.stdout.write(f"  {label}: {ids[:20]}{' ...' if len(ids) > 20 else ''}")
