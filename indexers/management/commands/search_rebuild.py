from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from indexers import index_admin
from indexers.rebuild import RebuildInProgress, rebuild_vehicle_index
from indexers.status import change_log_status
from search.client import get_client
from search.indexes import vehicles_alias


class Command(BaseCommand):
    help = "Build a new vehicle index from Postgres behind the alias and swap it in (searches keep working)."

    def add_arguments(self, parser):
        parser.add_argument("--threads", type=int, default=2, help="parallel _bulk senders")
        parser.add_argument("--chunk-size", type=int, default=1000, help="documents per _bulk request")
        parser.add_argument(
            "--if-missing", action="store_true", help="only build when the alias has no index behind it (first start)"
        )

    def handle(self, *args, **options):
        if options["if_missing"] and index_admin.alias_exists(get_client(), index_admin.VEHICLES):
            self.stdout.write(f"{vehicles_alias()} exists; nothing to build")
            return
        total = change_log_status()["listable_rows"]
        with tqdm(total=total, unit="doc", desc="indexing", disable=options["verbosity"] == 0) as bar:
            try:
                report = rebuild_vehicle_index(
                    threads=options["threads"], chunk_size=options["chunk_size"], on_progress=bar.update
                )
            except RebuildInProgress as exc:
                raise CommandError(str(exc)) from exc
        self.stdout.write(
            f"{report.index_name}: {report.documents_loaded} documents from {report.rows_read} rows in "
            f"{report.seconds:.1f}s ({report.docs_per_second:.0f} docs/s); repaired {report.repaired}; "
            f"index {report.final_count} = Postgres {report.expected_count}; dropped {report.dropped or 'nothing'}; "
            f"{report.changes_dropped} pending changes the snapshot covered dropped"
        )
        for error in report.load_errors:
            self.stderr.write(f"load error: {error}")
