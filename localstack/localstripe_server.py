"""localstripe (PyPI: a stateful fake of the Stripe API) with its state in a file of ours.

localstripe keeps its objects in /tmp/localstripe.pickle, shared by every checkout and user of the
machine; this launcher points its store at the path given instead and then starts it as its own
command-line would.

python -m localstack.localstripe_server --port PORT --state FILE
"""

from __future__ import annotations

import pickle
import sys
from pathlib import Path


def main(argv: list[str]) -> None:
    args = list(argv)
    at = args.index("--state")
    state = Path(args[at + 1])
    del args[at : at + 2]
    state.parent.mkdir(parents=True, exist_ok=True)

    from localstripe import resources, server

    def try_load_from_disk(store):
        try:
            with open(state, "rb") as f:
                old = pickle.load(f)
        except (FileNotFoundError, EOFError):
            return
        store.clear()
        store.update(old)

    def dump_to_disk(store):
        tmp = state.with_suffix(".tmp")
        with open(tmp, "wb") as f:
            pickle.dump(dict(store), f, protocol=pickle.HIGHEST_PROTOCOL)
        tmp.replace(state)

    resources.Store.try_load_from_disk = try_load_from_disk
    resources.Store.dump_to_disk = dump_to_disk
    sys.argv = ["localstripe", *args]
    server.start()


if __name__ == "__main__":
    main(sys.argv[1:])
