"""Who sees a deposit beyond what the log publishes (docs/evidence.md, "Looking a file up" and "Deposits").

Anyone looking a file up learns that it is deposited, when, and the deposit's title (a depositor publishes its
deposit's metadata). The certificate prints the whole leaf — the depositor, the file's name and size, the note — so
it, and the deposit's page, are for its depositor only: the caller the deposit recorded as its depositor
(:func:`depositor`: the caller's organization, or a user of no organization by name). Everyone else, officers of
the offices above included, gets a 404, as for a case they do not see (:mod:`zhichan.procedures.certified`): a
deposit is an enterprise's own evidence, not a case an office handles.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from zhichan.platform.scope import Scope


def depositor(scope: Scope) -> str:
    """The depositor a deposit by this caller records (sign-in required): its organization, else its user name."""
    scope.require_authenticated()
    return scope.org_name or scope.username


def owns_deposit(scope: Scope, fields: Mapping[str, Any]) -> bool:
    """Whether the caller deposited the entry with these leaf fields (a deposit recorded with its depositor)."""
    return (scope.is_authenticated and fields.get("kind") == "deposit"
            and fields.get("depositor") == (scope.org_name or scope.username))
