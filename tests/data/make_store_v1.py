"""Write the schema-version-1 store fixtures ``store_v1*.sql.gz`` (gzipped SQL text dumps).

They were made by the last caselink that wrote schema version 1 (commit 7f4fc59)::

    git archive 7f4fc59 src | tar -x -C /tmp/v1
    PYTHONPATH=/tmp/v1/src python tests/data/make_store_v1.py

The test of the migration (`tests/test_store.py`) loads each dump into a new file and opens it.
"""

from __future__ import annotations

import gzip
import sqlite3
import tempfile
from pathlib import Path

from caselink import Config, read_articles
from caselink.config import ClusterConfig
from caselink.store import SCHEMA_VERSION, CaseStore

HERE = Path(__file__).parent
EXAMPLES = HERE.parent.parent / "examples" / "data" / "articles.jsonl"

CONFIGS = {
    "store_v1.sql.gz": Config(),
    "store_v1_conflicts.sql.gz": Config(
        cluster=ClusterConfig(threshold=0.5, conflict_levels=("reference:else", "officer:else"))
    ),
}


def main() -> None:
    assert SCHEMA_VERSION == 1, "run with the caselink of commit 7f4fc59"
    articles = sorted(read_articles(EXAMPLES).articles, key=lambda a: a.id)[:24]
    batches = [articles[0:8], articles[8:16], articles[16:24]]
    # The third batch also changes an article of the first (an update).
    changed = articles[2].to_dict()
    changed["text"] = changed["text"] + "\n\nThis article was updated with a correction."
    batches[2] = [*batches[2], type(articles[2]).from_mapping(changed)]
    for name, config in CONFIGS.items():
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "v1.db"
            with CaseStore.open(path, config) as store:
                for batch in batches:
                    store.add(batch)
            with sqlite3.connect(path) as db:
                db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
                dump = "\n".join(db.iterdump()) + "\n"
        (HERE / name).write_bytes(gzip.compress(dump.encode(), mtime=0))


if __name__ == "__main__":
    main()
