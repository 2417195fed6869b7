"""Importing published vehicle listings, and generating look-alike ones at scale.

- `readers/`: one module per data set; a row in, a `records.Listing` (or a `records.Reject`) out.
- `makes.py`, `normalise.py`: the normalisation rules the readers share (pure, no database).
- `places.py`: region centroids, so dealers without coordinates can still be found by distance.
- `report.py`: counts and CSV files of rejected rows and repaired values, per file.
- `writer.py`: batched upserts keyed by `source_key`; re-running changes only what changed.
- `loader.py`: reads a source's files through its reader into the writer.
- `distribution.py` + `vehicle_distribution.json`: what the real data looks like, in counts.
- `generator.py`: millions of vehicles from that distribution, deterministic per seed, via COPY.
"""
