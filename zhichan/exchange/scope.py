"""Who sees and manages what in the exchange — the one rule every route goes through.

* Published open-licence declarations (and withdrawn or revoked ones: the public record of what was
  offered), active listings, open needs and auctions (but a withdrawn listing's) are public.
* An enterprise, university or institute (an ``enterprise_user``) manages its own listings, needs and
  declarations in any state, and sees the licences it took.
* Bureau staff (governance roles) see and manage what the organizations of their area posted
  (the organization subtree), in any state.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Select, or_, select

from zhichan.exchange.models import Deal, Listing, Need, OpenLicence, OpenLicenceGrant
from zhichan.platform.models import Role
from zhichan.platform.scope import Scope
from zhichan.procedures.models import Case

PUBLIC_DECLARATION_STATES = ("published", "withdrawn", "revoked")


def manages(scope: Scope, row: Listing | Need) -> bool:
    """The posting organization's own users, and the officers of its area."""
    if scope.governance and scope.covers_org_path(row.org_path):
        return True
    return scope.role == Role.ENTERPRISE_USER and scope.org_id == row.org_id


def sees_bidders(scope: Scope, listing: Listing, auction: Any) -> bool:
    """Who reads an auction's bidders by name (beside the alias 竞买人 N everyone else reads), on its page, its live part
    and its JSON: the exchange's operator — the officers of the listing's area who register the bidders' deposits and
    suspend, resume or terminate the auction (case officers, leaders, administrators:
    :func:`zhichan.exchange.auction_stops.may_stop`), as an auctioneer keeps its bidders' register (拍卖法 第五十四条) —
    and the seller's own users once the bidding is over (closed or terminated: it then settles the deposits and
    contracts with the winner; while bids are taken it reads aliases, as a seller who knew who bids could deal with
    them outside the hall, 拍卖法 第三十七条). Not an analyst or window staff of the area, not another area's bureau, not a
    bidder (its own bids read 竞买人 N（你）): docs/exchange.md "Who sees the bidders"."""
    from zhichan.exchange.auction_stops import may_stop
    from zhichan.exchange.bidding import OVER

    seller = scope.role == Role.ENTERPRISE_USER and scope.org_id == listing.org_id
    return (seller and auction.state in OVER) or may_stop(scope, auction)


def sees_auction(scope: Scope, listing: Listing) -> bool:
    """Auctions are public, but a withdrawn listing's go with it: its own users and the officers of its area still see
    them (and act on them; anyone else is told there is no such auction)."""
    return listing.state != "withdrawn" or manages(scope, listing)


def visible(scope: Scope, query: Select[Any], model: type[Listing] | type[Need], public_state: str) -> Select[Any]:
    """Public rows, plus the caller's own and (bureau staff) its area's in any state."""
    own = [model.state == public_state]
    if scope.governance and scope.org_path:
        own.append(model.org_path.startswith(scope.org_path, autoescape=True))
    elif scope.role == Role.ENTERPRISE_USER and scope.org_id is not None:
        own.append(model.org_id == scope.org_id)
    return query.where(or_(*own))


def sees_declaration(scope: Scope, row: OpenLicence) -> bool:
    """A published (or withdrawn, revoked: the record of what was offered) declaration is public; a
    filed or refused one is seen by its party and the officers of its area."""
    if row.state in PUBLIC_DECLARATION_STATES:
        return True
    if scope.governance and scope.covers_org_path(row.org_path):
        return True
    return scope.role == Role.ENTERPRISE_USER and bool(scope.party_key) and scope.party_key == row.party_key


def is_patentee_side(scope: Scope, row: OpenLicence) -> bool:
    if scope.governance and scope.covers_org_path(row.org_path):
        return True
    return scope.role == Role.ENTERPRISE_USER and bool(scope.party_key) and scope.party_key == row.party_key


def is_licensee(scope: Scope, grant: OpenLicenceGrant) -> bool:
    if grant.licensee_user_id is not None and grant.licensee_user_id == scope.user_id:
        return True
    return scope.role == Role.ENTERPRISE_USER and bool(scope.party_key) and scope.party_key == grant.licensee_key


def deals_visible(scope: Scope, query: Select[Any]) -> Select[Any]:
    """Deals are not public: the seller's own and the buyer's its case names as counterparty (an auction's
    winner), and the officers' of their area."""
    if scope.governance and scope.org_path:
        return query.where(Deal.org_path.startswith(scope.org_path, autoescape=True))
    if scope.role == Role.ENTERPRISE_USER and (scope.party_key or scope.org_id is not None):
        own: list[ColumnElement[bool]] = [Deal.case_id.in_(select(Case.id).where(Case.counterparty_org_id == scope.org_id))]
        if scope.party_key:
            own.append(Deal.party_key == scope.party_key)
        return query.where(or_(*own))
    return query.where(Deal.id.is_(None))
