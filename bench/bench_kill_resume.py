"""`kill -9` at random moments of `analyze`, then `analyze` again: the same claim groups
and discrepancies as one clean run (issue 15).

Ingests N real FNC-1 bodies (read from ../shared at run time) into two databases,
analyzes one without interruption, and on the other starts `corroborator analyze`,
kills it with SIGKILL after a random delay, K times, then lets a last run finish.

Run: .venv/bin/python bench/bench_kill_resume.py [--n 1000] [--kills 10] [--seed 3]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data" / "fnc1"
CLI = str(ROOT / ".venv" / "bin" / "corroborator")
QUERIES = {
    "claim_groups": "SELECT * FROM claim_groups ORDER BY story_id, id",
    "members": "SELECT * FROM claim_group_members ORDER BY group_id, claim_id",
    "stances": "SELECT * FROM stances ORDER BY group_id, article_id",
    "discrepancies": 'SELECT story_id, kind, description, "values", articles, evidence '
                     "FROM discrepancies ORDER BY story_id, kind, description",
    "story_articles": "SELECT story_id, article_id FROM story_articles ORDER BY story_id, "
                      "article_id",
}


def write_corpus(path: Path, n: int) -> None:
    from corroborator.evaluation.stance import read_bodies

    bodies = read_bodies(SHARED / "train_bodies.csv")
    with path.open("w", encoding="utf-8") as handle:
        for body_id in sorted(bodies, key=int)[:n]:
            handle.write(json.dumps({"id": f"fnc-{body_id}", "text": bodies[body_id],
                                     "outlet": f"outlet {int(body_id) % 40}"}) + "\n")


def run(args: list[str], **kw) -> subprocess.CompletedProcess:
    return subprocess.run([CLI, *args], capture_output=True, text=True, **kw)


def snapshot(db: Path) -> dict[str, list]:
    from corroborator.store import open_store

    with open_store(db, readonly=True) as store:
        return {k: [tuple(r) for r in store.query(q)] for k, q in QUERIES.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=1000)
    parser.add_argument("--kills", type=int, default=10)
    parser.add_argument("--seed", type=int, default=3)
    args = parser.parse_args()
    if not SHARED.exists():
        print(f"skipped: {SHARED} is absent")
        return
    rng = random.Random(args.seed)
    env = os.environ | {"HF_HUB_OFFLINE": "1"}
    with tempfile.TemporaryDirectory() as tmp:
        corpus, clean, killed = Path(tmp) / "bodies.jsonl", Path(tmp) / "a.db", Path(tmp) / "b.db"
        write_corpus(corpus, args.n)
        for db in (clean, killed):
            run(["ingest", str(corpus), "--db", str(db)], check=True, env=env)
        start = time.perf_counter()
        run(["analyze", "--db", str(clean), "--workers", "1"], check=True, env=env)
        clean_s = time.perf_counter() - start
        print(f"clean analyze of {args.n} articles: {clean_s:.0f} s", flush=True)
        moments = sorted(rng.uniform(2.0, clean_s * 0.9) for _ in range(args.kills))
        for i, moment in enumerate(moments, 1):
            proc = subprocess.Popen([CLI, "analyze", "--db", str(killed), "--workers", "1"],
                                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                    env=env)
            time.sleep(moment / args.kills)
            proc.send_signal(signal.SIGKILL)
            proc.wait()
            print(f"kill {i}/{args.kills} after {moment / args.kills:.1f} s", flush=True)
        run(["analyze", "--db", str(killed), "--workers", "1"], check=True, env=env)
        left, right = snapshot(clean), snapshot(killed)
        same = {k: left[k] == right[k] for k in QUERIES}
        counts = {k: (len(left[k]), len(right[k])) for k in QUERIES}
    print(json.dumps({"n": args.n, "kills": args.kills, "clean_seconds": round(clean_s),
                      "equal": same, "rows (clean, killed)": counts}, indent=1))
    sys.exit(0 if all(same.values()) else 1)


if __name__ == "__main__":
    main()
