"""Everything an output format adds: ``html/`` (search, feeds, catalog, hosting, sidebar), ``latex/`` (the book)."""
