"""The domain, pure Python: knowledge files, schema, catalog, search, hours, cards."""
