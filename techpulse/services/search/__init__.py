"""Full-text search: the query side (FTS5 or PostgreSQL) and the index kept in step with writes."""
