"""The page layer: every catalogue page's data, key, tags, cache entry and file,
and what an edit makes stale (freshness)."""
