# A project that links into a published archive: intersphinx only (the tests set intersphinx_mapping).
project = "consumer"
language = "ja"
extensions = ["sphinx.ext.intersphinx"]
exclude_patterns = ["_build", "domain.rst"]  # domain.rst needs the archive domain (postarchive.domain)
html_theme = "basic"
