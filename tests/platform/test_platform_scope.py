"""The Scope object: regions, org subtrees, enterprises."""

from __future__ import annotations

import pytest

from zhichan.errors import InputError, PermissionDenied
from zhichan.platform.exceptions import AuthenticationError
from zhichan.platform.models import Role
from zhichan.platform.scope import Scope, normalize_region_code, region_level, region_prefix


@pytest.mark.parametrize(
    ("code", "prefix", "level"),
    [("100000", "", "nation"), ("510000", "51", "province"), ("51", "51", "province"),
     ("510100", "5101", "city"), ("5101", "5101", "city"), ("510107", "510107", "county")],
)
def test_region_prefix(code, prefix, level):
    assert region_prefix(code) == prefix
    assert region_level(code) == level


@pytest.mark.parametrize("bad", ["", "5", "51010", "5101071", "51a100", "５１００００", "' OR 1=1 --"])
def test_bad_region_codes_are_input_errors(bad):
    with pytest.raises(InputError):
        normalize_region_code(bad)


def test_county_scope(engine, tree):
    wuhou = tree.scope(engine, "wuhou_analyst")
    assert wuhou.governance and wuhou.region_prefix == "510107"
    assert wuhou.covers_region("510107")
    for outside in ("510104", "510100", "510000", "100000", "320102"):
        assert not wuhou.covers_region(outside)
        with pytest.raises(PermissionDenied):
            wuhou.require_region(outside)
    assert wuhou.covers_party("成都示例科技有限公司", "510107")
    assert not wuhou.covers_party("别家公司", "510104")


def test_city_and_nation_scope(engine, tree):
    city = tree.scope(engine, "cd_admin")
    assert city.covers_region("510107") and city.covers_region("510100") and not city.covers_region("510000")
    nation = tree.scope(engine, "root")
    assert nation.covers_region("100000") and nation.covers_region("320102")
    # a foreign applicant (no region of China): within the nation's area, outside a city's or county's
    assert nation.covers_party("艾默源控股公司", None) and nation.covers_party("艾默源控股公司", "")
    assert not city.covers_party("艾默源控股公司", None)
    assert not tree.scope(engine, "wuhou_analyst").covers_party("艾默源控股公司", None)


def test_enterprise_scope(engine, tree):
    ent = tree.scope(engine, "ent_user")
    assert not ent.governance and ent.party_key == "成都示例科技有限公司"
    with pytest.raises(PermissionDenied):
        ent.require_region("510107")
    ent.require_party("成都示例科技有限公司", "510107")
    with pytest.raises(PermissionDenied):
        ent.require_party("别家公司", "510107")


def test_anonymous_scope():
    anon = Scope.anonymous()
    assert not anon.is_authenticated and not anon.governance
    with pytest.raises(AuthenticationError):
        anon.require_region("510107")
    with pytest.raises(AuthenticationError):
        anon.require_roles(Role.ANALYST)
