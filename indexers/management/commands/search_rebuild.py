from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from indexers import index_admin
from indexers.rebuild import RebuildInProgress, rebuild_vehicle_index
from indexers.status import change_log_status
from notifications.percolator import ensure_percolator_index, rebuild_percolator
from search.client import get_client
from search.indexes import vehicles_alias


class Command(BaseCommand):
    help = (
        "Build a new vehicle index and a new saved-search percolator from Postgres behind their aliases "
        "and swap them in (searches and alerts keep working)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--threads", type=int, default=2, help="parallel _bulk senders")
        parser.add_argument("--chunk-size", type=int, default=1000, help="documents per _bulk request")
        parser.add_argument(
            "--if-missing", action="store_true", help="only build an index whose alias has nothing behind it"
        )

    def handle(self, *args, **options):
        if options["if_missing"]:
            # Also turns a pre-alias plain percolator index into one behind the alias.
            ensure_percolator_index()
            if index_admin.alias_exists(get_client(), index_admin.VEHICLES):
                self.stdout.write(f"{vehicles_alias()} exists; nothing to build")
                return
        self.rebuild_vehicles(options)
        if not options["if_missing"]:
            # After the vehicles: its mapping is the vehicle mapping, as deployed with this code.
            percolator = rebuild_percolator()
            self.stdout.write(
                f"{percolator.index_name}: {percolator.registered} saved searches registered, "
                f"{percolator.resynced} re-synced after the swap; dropped {percolator.dropped or 'nothing'}"
            )

    def rebuild_vehicles(self, options) -> None:
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
