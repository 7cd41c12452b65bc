"""What changed since the last quarter's report (本期变化).

A run stores :func:`summarize` of its result; the next run of the same chain and region compares
its own result with that summary (:func:`compare`):

- **new applicants** (新进入申请人): applicants present now and absent from the previous run;
- **branches that grew or shrank**: patents per branch before and now; a branch ``grew`` (增长) when
  it gained at least 5 % (and at least one patent), ``shrank`` (减少) when it lost, otherwise ``flat``
  (持平);
- **rank changes**: the home region's rank among its peers, and the rank of every applicant in
  the current national top list (``new`` when it was outside the previous top 50).

Codes, not words: the report shows them in its language (``navigation.change.<code>``).
"""

from __future__ import annotations

from typing import Any

from zhichan.navigation.analysis import NavigationResult

RANKS_KEPT = 50
GROWTH_THRESHOLD = 0.05


def summarize(result: NavigationResult, top_ranks: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """The numbers a later run compares with (JSON-ready, deterministic order)."""
    ranks = top_ranks if top_ranks is not None else result.top_national
    return {
        "as_of": result.as_of.isoformat(),
        "snapshot_id": result.snapshot_id,
        "chain_hash": result.chain.definition_hash(),
        "patents": result.overview.get("patents", 0),
        "local": result.overview.get("local", 0),
        "home_rank": result.home_rank.get("rank"),
        "branches": {b["branch_id"]: {"patents": b["patents"], "local": b["local"]} for b in result.branches},
        "applicants": sorted(result.applicant_counts),
        "ranks": {x["applicant_key"]: {"rank": x["rank"], "name": x["name"]} for x in ranks[:RANKS_KEPT]},
    }


def _trend(before: int, now: int) -> str:
    if now - before >= 1 and (before == 0 or (now - before) / before >= GROWTH_THRESHOLD):
        return "grew"
    if now < before:
        return "shrank"
    return "flat"


def compare(result: NavigationResult, previous: dict[str, Any], *, top: int = 10) -> dict[str, Any]:
    branches = []
    for b in result.branches:
        prev = previous.get("branches", {}).get(b["branch_id"], {"patents": 0, "local": 0})
        branches.append({
            "branch_id": b["branch_id"], "name": b["path"], "before": prev["patents"], "now": b["patents"],
            "delta": b["patents"] - prev["patents"], "local_before": prev["local"], "local_now": b["local"],
            "trend": _trend(prev["patents"], b["patents"]),
        })
    before_keys = set(previous.get("applicants", []))
    new_keys = [k for k in result.applicant_counts if k not in before_keys]
    new_sorted = sorted(new_keys, key=lambda k: (-result.applicant_counts[k], k))
    prev_ranks = previous.get("ranks", {})
    rank_changes = []
    for x in result.top_national[:top]:
        before = prev_ranks.get(x["applicant_key"], {}).get("rank")
        move = "new" if before is None else ("↑" + str(before - x["rank"]) if before > x["rank"]
                                              else ("↓" + str(x["rank"] - before) if before < x["rank"] else "—"))
        rank_changes.append({"name": x["name"], "name_en": x.get("name_en"), "rank_before": before, "rank_now": x["rank"], "move": move})
    return {
        "previous_as_of": previous.get("as_of"),
        "previous_snapshot": previous.get("snapshot_id"),
        "chain_changed": previous.get("chain_hash") != result.chain.definition_hash(),
        "patents_before": previous.get("patents", 0), "patents_now": result.overview.get("patents", 0),
        "local_before": previous.get("local", 0), "local_now": result.overview.get("local", 0),
        "rank_before": previous.get("home_rank"), "rank_now": result.home_rank.get("rank"),
        "branches": branches,
        "grew": [b["branch_id"] for b in branches if b["trend"] == "grew"],
        "shrank": [b["branch_id"] for b in branches if b["trend"] == "shrank"],
        "new_applicants_count": len(new_keys),
        "new_applicants": [{"name": k, "patents": result.applicant_counts[k]} for k in new_sorted[:top]],
        "rank_changes": rank_changes,
    }
