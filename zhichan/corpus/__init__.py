"""Data foundation (大数据底座): canonical schema, snapshots (Parquet + DuckDB), importers, generator."""
