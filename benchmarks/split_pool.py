"""Split the GVA pool into a train part (about a fifth of incidents) and a dev part, by incident.

The split is a fixed function of the incident id (SHA-1 of a salted id, modulo 5), so every run and
every machine gets the same files. The salt matters: the held-out fifth of the pool was removed by an
unsalted hash of the same kind, so the unsalted bucket is nearly empty here. Fit on the train part
(about 950 articles); check on the dev part (about 4,100 articles).

    python benchmarks/split_pool.py ../shared/data/gva_pool/pool.jsonl OUT_DIR
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path


def part_of(incident_id: str) -> str:
    """Return ``"train"`` for about a fifth of incident ids, ``"dev"`` for the rest."""
    salted = f"caselink-pool-split:{incident_id}".encode()
    digest = int(hashlib.sha1(salted, usedforsecurity=False).hexdigest(), 16)
    return "train" if digest % 5 == 0 else "dev"


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    source, out = Path(argv[0]), Path(argv[1])
    if not source.is_file():
        print(json.dumps({"skipped": f"{source} not found (labelled data lives in ../shared)"}))
        return 0
    out.mkdir(parents=True, exist_ok=True)
    counts = {"train": 0, "dev": 0}
    with (
        source.open(encoding="utf-8") as lines,
        (out / "gva_pool_train.jsonl").open("w", encoding="utf-8") as train,
        (out / "gva_pool_dev.jsonl").open("w", encoding="utf-8") as dev,
    ):
        for line in lines:
            if line.strip():
                part = part_of(str(json.loads(line)["incident_id"]))
                (train if part == "train" else dev).write(
                    line if line.endswith("\n") else line + "\n"
                )
                counts[part] += 1
    print(json.dumps({"articles": counts, "out": str(out)}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
