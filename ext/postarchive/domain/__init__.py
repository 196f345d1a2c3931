"""The Sphinx side of the archive's data: the ``archive`` domain, the post parser, the per-build state."""
