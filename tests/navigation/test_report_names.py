"""Parties in the English navigation report (session 17): a foreign applicant's region showed "—" and generated
inventors and foreign applicants their Chinese names. A foreign applicant's place is its country (the reference
table's name); the people and foreign applicants the generator names read in English (synthetic records only), their
legal names after them; a real record's names stay as they are."""

from __future__ import annotations

from pathlib import Path

from zhichan.corpus.testing import build_snapshot, patent
from zhichan.navigation.analysis import AnalysisParams, analyse
from zhichan.navigation.recommend import recommendation_text
from zhichan.navigation.report import build_document
from zhichan.navigation.schemas import Chain

from .conftest import AS_OF
from .test_report_languages import PINNED, _text

ORG, ORG_EN = "成都瑞博科技有限公司", "Chengdu Ruibo Technology Co., Ltd."
FOREIGN, FOREIGN_EN = "艾默源控股公司", "Emer Yuan Holdings Inc."
OTHER, OTHER_EN = "北京华瑞电机有限公司", "Beijing Huarui Electric Motor Co., Ltd."


def _result(root: Path, chain: Chain, synthetic: bool):
    def p(serial: int, applicants: list[str], region: str | None, inventors: list[str], ipc: str = "H01M4/13",
          **kw):
        return patent(f"2020{serial:08d}", application_date=f"2020-0{1 + serial % 8}-01", ipc=[ipc],
                      applicants=applicants, applicant_types=["enterprise"] * len(applicants), region_code=region,
                      inventors=inventors, synthetic=synthetic, **kw)

    snapshot = build_snapshot(root, patents=[
        *[p(i, [ORG], "510107", ["丁春", "欧阳子涵"]) for i in range(1, 4)],
        p(4, [ORG, FOREIGN], "510107", ["丁春", "吕晨"]),
        *[p(i, [FOREIGN], None, ["曾欣怡"], applicant_country="US") for i in range(5, 9)],
        # the chain's motor branch, none of it local: a missing branch whose applicant and inventor elsewhere are targets
        *[p(i, [OTHER], "110108", ["覃柏"], ipc="H02K1/27") for i in range(9, 13)],
    ])
    con = snapshot.connect()
    try:
        return analyse(con, chain, AS_OF, snapshot_id=snapshot.id, synthetic=synthetic,
                       params=AnalysisParams(min_branch_patents=1, team_min_members=2))
    finally:
        con.close()


def test_foreign_applicants_and_generated_people_read_in_english(tmp_path: Path, test_chain: Chain) -> None:
    result = _result(tmp_path / "synthetic", test_chain, synthetic=True)
    foreign = next(x for x in result.top_national if x["name"] == FOREIGN)
    assert foreign["country"] == "US" and foreign["region"] == "美国"
    english = _text(build_document(result, PINNED, "en"))
    chinese = _text(build_document(result, PINNED, "zh"))
    assert f"{FOREIGN_EN} ({FOREIGN})" in english and f"{ORG_EN} ({ORG})" in english
    assert "United States" in english and "美国" in chinese and "United States" not in chinese
    assert "Ding Chun (丁春)" in english  # a team's lead inventor, with the legal name
    assert "Lü Chen" in english and "Ouyang Zihan" in english  # its members
    pair = result.pairs[0]  # a co-applicant pair: both sides named
    assert {pair["applicant_a_en"], pair["applicant_b_en"]} == {ORG_EN, FOREIGN_EN}
    assert "Ding Chun" not in chinese and FOREIGN_EN not in chinese and "丁春" in chinese
    assert {rec["kind"] for rec in result.recommendations} >= {"investment", "talent"}
    for rec in result.recommendations:  # recommendations name their parties alike
        text = recommendation_text(rec, result, "en")
        assert not any(name in text.replace(f"({name})", "") for name in (ORG, OTHER, "覃柏")), text
        named = {"investment": [OTHER_EN], "talent": ["Qin Bai (覃柏)", OTHER_EN], "strengthen": [ORG_EN]}[rec["kind"]]
        assert all(name in text for name in named), text


def test_a_real_records_people_and_foreign_applicants_stay_as_they_are(tmp_path: Path, test_chain: Chain) -> None:
    result = _result(tmp_path / "real", test_chain, synthetic=False)
    english = _text(build_document(result, PINNED, "en"))
    assert "United States" in english  # the country is the record's, not a reading of the name
    assert FOREIGN_EN not in english and "Ding Chun" not in english and ORG_EN not in english
    assert FOREIGN in english and "丁春" in english


def test_results_kept_before_the_country_read_as_before(tmp_path: Path, test_chain: Chain) -> None:
    """A run's result stored before applicants kept their country (and names their English) reads as before: the
    foreign applicant's place "—", the names as stored."""
    from zhichan.navigation.report import Messages

    result = _result(tmp_path / "old", test_chain, synthetic=True)
    foreign = next(x for x in result.top_national if x["name"] == FOREIGN)
    m = Messages("en", result.chain)
    assert m.place(foreign) == "United States"
    old = {k: v for k, v in foreign.items() if k not in ("country", "name_en")}
    assert m.place(old) == "—" and m.holder(old) == FOREIGN
    for team in result.teams:
        for key in ("lead_inventor_en", "member_names_en", "applicant_en"):
            team.pop(key)
    for pair in result.pairs:
        pair.pop("applicant_a_en"), pair.pop("applicant_b_en")
    english = _text(build_document(result, PINNED, "en"))
    assert "丁春" in english and "Ding Chun" not in english
