"""The archive as plain data: entry kinds, URLs, registry, mentions, related posts, readings, navigation.

Pure: nothing here imports Sphinx or docutils (``tests/test_layers.py`` walks the imports).
"""
