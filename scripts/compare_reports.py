"""Compare two scan reports (JSON) item by item, ignoring timings: what a refactor must leave
unchanged. Prints a count of differences per section and the first few of each.

    python scripts/compare_reports.py before.json after.json [--show 5]
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any


def _key(section: str, item: dict[str, Any]) -> str:
    if section == "pairs":
        return f"{item['a']}|{item['b']}"
    if section == "clusters":
        return str(item.get("original"))
    if section == "headline_groups":
        return "|".join(item["ids"])
    if section == "problems":
        return json.dumps(item, ensure_ascii=False, sort_keys=True)
    return str(item.get("id"))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("before")
    parser.add_argument("after")
    parser.add_argument("--show", type=int, default=5)
    args = parser.parse_args()
    with open(args.before, encoding="utf-8") as f:
        a = json.load(f)
    with open(args.after, encoding="utf-8") as f:
        b = json.load(f)
    differences = 0
    for section in sorted(set(a) | set(b)):
        if section == "timings":
            continue
        x, y = a.get(section), b.get(section)
        if not isinstance(x, list) or not isinstance(y, list):
            if x != y:
                differences += 1
                print(f"{section}: differs\n  before: {json.dumps(x, ensure_ascii=False)[:300]}\n  after:  {json.dumps(y, ensure_ascii=False)[:300]}")
            continue
        if x == y:
            print(f"{section}: identical ({len(x)} items)")
            continue
        before = {_key(section, i): i for i in x}
        after = {_key(section, i): i for i in y}
        changed = [k for k in before if k in after and before[k] != after[k]]
        gone = [k for k in before if k not in after]
        new = [k for k in after if k not in before]
        order = not changed and not gone and not new
        differences += len(changed) + len(gone) + len(new) + order
        print(f"{section}: {len(changed)} changed, {len(gone)} only before, {len(new)} only after" + (" (order differs)" if order else ""))
        for k in changed[: args.show]:
            diff = {f: (before[k].get(f), after[k].get(f)) for f in before[k] if before[k].get(f) != after[k].get(f)}
            print(f"  ~ {k}: {json.dumps(diff, ensure_ascii=False, default=str)[:400]}")
        for k in gone[: args.show]:
            print(f"  - {k}")
        for k in new[: args.show]:
            print(f"  + {k}")
    return 1 if differences else 0


if __name__ == "__main__":
    sys.exit(main())
