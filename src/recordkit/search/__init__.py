"""Full-text search of the archive: text analysis, the index, the query language."""
