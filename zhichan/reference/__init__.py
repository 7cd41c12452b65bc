"""Reference data shipped with the product: regions and population, IPC, the SEI concordance,
WIPO technology fields, map boundaries and published official statistics.

Everything loads lazily from ``zhichan/reference/data/`` (see ``data/PROVENANCE.md``) and is
cached per process. Import from here; the submodules are an implementation detail.
"""

from __future__ import annotations

from zhichan.reference.address import (
    resolve_address,
    resolve_address_level,
    resolve_addresses,
    resolve_addresses_level,
)
from zhichan.reference.boundaries import geojson, geojson_codes, has_geojson
from zhichan.reference.countries import country_codes, country_name
from zhichan.reference.ipc import (
    clean_title,
    ipc_known,
    ipc_level,
    ipc_main_group,
    ipc_subclass,
    ipc_title,
    ipc_titles,
    is_valid_ipc,
    normalize_ipc,
)
from zhichan.reference.official_stats import (
    design_in_force_2023_by_region,
    domestic_in_force_2009_by_kind_region,
    headline_indicators,
    pct_by_region,
)
from zhichan.reference.regions import (
    NATION,
    POPULATION_BASE_YEAR,
    all_cities,
    all_counties,
    all_provinces,
    children,
    city_only_population,
    has_population,
    is_region_code,
    normalize_region_code,
    parent_code,
    population,
    province_code_from_label,
    region_full_name,
    region_level,
    region_name,
    region_names,
    regions_frame,
)
from zhichan.reference.sei import (
    SEI_LEVEL1,
    SeiCategory,
    sei_categories,
    sei_category,
    sei_codes_for_ipc,
    sei_codes_for_ipc_batch,
    sei_lookup_table,
    sei_name,
    sei_table_stats,
)
from zhichan.reference.tech_fields import TechField, tech_field, tech_field_for_ipc, tech_fields

__all__ = [
    "NATION",
    "POPULATION_BASE_YEAR",
    "SEI_LEVEL1",
    "SeiCategory",
    "TechField",
    "all_cities",
    "all_counties",
    "all_provinces",
    "children",
    "city_only_population",
    "clean_title",
    "country_codes",
    "country_name",
    "design_in_force_2023_by_region",
    "domestic_in_force_2009_by_kind_region",
    "geojson",
    "geojson_codes",
    "has_geojson",
    "has_population",
    "headline_indicators",
    "ipc_known",
    "ipc_level",
    "ipc_main_group",
    "ipc_subclass",
    "ipc_title",
    "ipc_titles",
    "is_region_code",
    "is_valid_ipc",
    "normalize_ipc",
    "normalize_region_code",
    "parent_code",
    "pct_by_region",
    "population",
    "province_code_from_label",
    "region_full_name",
    "region_level",
    "region_name",
    "region_names",
    "regions_frame",
    "resolve_address",
    "resolve_address_level",
    "resolve_addresses",
    "resolve_addresses_level",
    "sei_categories",
    "sei_category",
    "sei_codes_for_ipc",
    "sei_codes_for_ipc_batch",
    "sei_lookup_table",
    "sei_name",
    "sei_table_stats",
    "tech_field",
    "tech_field_for_ipc",
    "tech_fields",
]
