"""Importers: each reads one source layout into canonical records (see ``zhichan.corpus.importing``)."""

from zhichan.corpus.importers.commercial import CommercialExportMapper
from zhichan.corpus.importers.mapping import MappedFileMapper, MappingSpec
from zhichan.corpus.importers.rows import RowErrors, RowMapper

__all__ = ["CommercialExportMapper", "MappedFileMapper", "MappingSpec", "RowErrors", "RowMapper"]
