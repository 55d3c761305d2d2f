"""Full-text search of the archive: text analysis (text), the query language and search (query), keeping the index current (indexer), index backends (backends: SQLite FTS5, PostgreSQL full-text)."""
