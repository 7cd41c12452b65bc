"""Rebuild ``zhichan/reference/data/`` from the gathered sources (maintainers only).

    python -m zhichan.reference.build_data /path/to/shared/data/reference

The product never runs this: a clone carries the built files. It exists so that every byte under
``data/`` can be reproduced from the sources listed in ``data/PROVENANCE.md``. What it changes:

- the IPC TSVs, the census table and the SEI concordance are gzip-compressed, content unchanged;
- the 368 GeoJSON files are packed into one LZMA zip (``geojson.zip``, random access by name);
  the UTF-8 byte-order mark at the start of ``100000_full.json`` is removed;
- everything else is copied byte for byte. Hand-made tables (the census → 2023 crosswalk, the
  technology-field additions) live in ``data/`` directly and are not produced here.
"""

from __future__ import annotations

import gzip
import shutil
import sys
import zipfile
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"

COPY = [
    "regions/chinadiv2023_provinces.csv",
    "regions/chinadiv2023_cities.csv",
    "regions/chinadiv2023_areas.csv",
    "concordance/sei_categories.jsonl",
    "concordance/ipc_technology_fields_schmoch.csv",
    "official_stats/headline_indicators.tsv",
    "official_stats/cnipa_2009_domestic_in_force_by_kind_region.tsv",
    "official_stats/cnipa_2023_table3-7_design_in_force_by_region.tsv",
    "official_stats/cnipa_2023_table6-4_pct_received_by_region.tsv",
]
GZIP = [
    "regions/population_2020_census_county.csv",
    "ipc/ipc_zh_2026.01.tsv",
    "ipc/ipc_en_wipo.tsv",
    "concordance/ipc_sei_compact.txt",
]
BOM = b"\xef\xbb\xbf"


def build(source: Path, target: Path = DATA) -> None:
    for rel in COPY:
        (target / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source / rel, target / rel)
    for rel in GZIP:
        (target / rel).parent.mkdir(parents=True, exist_ok=True)
        # mtime=0 keeps the output byte-identical between rebuilds (no noise in git)
        with gzip.GzipFile(target / f"{rel}.gz", "wb", compresslevel=9, mtime=0) as out:
            out.write((source / rel).read_bytes())
    with zipfile.ZipFile(target / "geojson.zip", "w", zipfile.ZIP_LZMA) as zf:
        for path in sorted((source / "geojson").glob("*.json")):
            raw = path.read_bytes()
            info = zipfile.ZipInfo(path.name, date_time=(2021, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_LZMA
            zf.writestr(info, raw.removeprefix(BOM))


if __name__ == "__main__":
    build(Path(sys.argv[1]))
