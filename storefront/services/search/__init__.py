"""Product search: the query, the tantivy index, and text as the index sees it."""
