"""``zhichan protection templates``: the shipped templates copied for a bureau to edit, never over its own."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from zhichan.cli import app
from zhichan.protection.documents import load_template


def test_templates_are_exported_and_a_bureau_file_is_kept(tmp_path: Path) -> None:
    out = tmp_path / "templates"
    out.mkdir()
    (out / "裁决书.yaml").write_text("title: 本局裁决书\nparagraphs: [甲]\n", "utf-8")
    result = CliRunner().invoke(app, ["protection", "templates", str(out)])
    assert result.exit_code == 0, result.output
    assert (out / "受理通知书.yaml").is_file() and load_template("受理通知书", out) == load_template("受理通知书", None)
    assert load_template("裁决书", out) == {"title": "本局裁决书", "paragraphs": ["甲"]}  # kept
