"""Per-10k figures of a synthetic snapshot divide by population × the generator's ``scale`` (the
indicators module's definition); every page and API response that shows one says so."""

from __future__ import annotations

import io
import json

import pytest
from openpyxl import load_workbook

from zhichan.web.testing import login_as, make_env

NOTE_ZH = "合成语料：人口按语料规模折算"
NOTE_EN = "Synthetic corpus: population scaled to the corpus size"  # a sentence of its own (it began in lowercase)


@pytest.fixture
def scaled_env(settings, web_template):
    """The test corpus as if the generator had made it at 1/1000 of the national volume."""
    web = make_env(settings, web_template)
    [manifest_path] = (settings.data_dir / "corpus" / "snapshots").glob("*/manifest.json")
    manifest = json.loads(manifest_path.read_text("utf-8"))
    manifest.setdefault("import", {}).setdefault("generator", {})["scale"] = 0.001
    manifest_path.write_text(json.dumps(manifest, ensure_ascii=False), "utf-8")
    yield web
    web.engine.dispose()


def test_per_10k_figures_of_a_scaled_synthetic_corpus_say_so(scaled_env):
    with scaled_env.client() as client:
        login_as(client, scaled_env.engine, "wuhou")
        api = client.get("/api/v1/regions/510107/indicators").json()
        kpis, basis = api["kpis"], api["per_10k"]
        assert basis["scaled"] and basis["population_scale"] == 0.001 and NOTE_EN in basis["note"]
        # the platform's direct count uses the same divisor as zhichan.indicators
        assert kpis["valid_inventions_per_10k"] == pytest.approx(
            round(kpis["valid_inventions"] / (kpis["population"] * 0.001) * 10_000, 2))
        official = {v["code"]: v for v in api["official_indicators"]["values"]}
        assert official["valid_inventions_per_10k"]["value"] == pytest.approx(
            official["valid_inventions"]["value"] / (kpis["population"] * 0.001) * 10_000)
        assert api["official_indicators"]["per_10k"]["scaled"]
        cockpit = client.get("/cockpit").text
        # KPI tile (valid + high-value per 10k) and the two per-10k rows of the indicator table
        assert cockpit.count('class="muted small scaled-note"') >= 4 and NOTE_ZH in cockpit
        assert NOTE_EN in client.get("/regions/510107", params={"lang": "en"}).text
        assert client.get("/api/v1/cockpit").json()["overview"]["per_10k"]["population_scale"] == 0.001
        # a per-10k figure's records: the page beside the figure and its JSON twin name the divisor
        records = "/regions/510107/indicators/high_value_inventions_per_10k/records"
        page = client.get(records, params={"lang": "en"}).text
        assert NOTE_EN in page and f"Resident population (2020 census) {kpis['population']:,}" in page
        basis = client.get(f"/api/v1{records}").json()["per_10k"]
        assert basis["population"] == kpis["population"] and basis["population_scale"] == 0.001
        assert "per-10k-basis" not in client.get("/regions/510107/indicators/high_value_inventions/records").text
        # and so does the file: the value the records stand behind and its divisor, beside the definition
        book = load_workbook(io.BytesIO(client.get(f"{records}.xlsx?lang=zh").content), read_only=True)
        about = {str(k).split(" ")[0]: v for k, v in book["定义"].iter_rows(values_only=True)}
        book.close()
        value = client.get(f"/api/v1{records}").json()["indicator"]["value"]
        assert about["值"] == pytest.approx(value) and about["单位"] == "件" and about["合成语料人口折算系数"] == 0.001
        assert about["常住人口（2020年普查）"] == kpis["population"]
        login_as(client, scaled_env.engine, "cd_leader")
        csv = client.get("/regions/510100/export.csv").text
        assert "合成语料人口折算系数" in csv and NOTE_ZH in csv


def test_real_scale_shows_no_note(client, env):
    login_as(client, env.engine, "wuhou")
    api = client.get("/api/v1/regions/510107/indicators").json()
    assert api["per_10k"] == {"population_scale": 1.0, "scaled": False, "note": None,
                              "formula": "count / (population × population_scale) × 10000"}
    assert "scaled-note" not in client.get("/cockpit").text


def test_the_scale_factor_reads_as_a_plain_decimal(settings, web_template):
    """A demo corpus's factor is small: shown as 0.0000537, not in the exponent notation 5.37e-05."""
    web = make_env(settings, web_template)
    try:
        [manifest_path] = (settings.data_dir / "corpus" / "snapshots").glob("*/manifest.json")
        manifest = json.loads(manifest_path.read_text("utf-8"))
        manifest.setdefault("import", {}).setdefault("generator", {})["scale"] = 5.3712e-05
        manifest_path.write_text(json.dumps(manifest, ensure_ascii=False), "utf-8")
        with web.client() as client:
            login_as(client, web.engine, "wuhou")
            assert "（人口 × 0.0000537）" in client.get("/regions/510107", params={"lang": "zh"}).text
            english = client.get("/regions/510107", params={"lang": "en"}).text
            assert "(population × 0.0000537)" in english and "e-05" not in english
    finally:
        web.engine.dispose()
