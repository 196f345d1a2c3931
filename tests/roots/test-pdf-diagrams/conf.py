from postarchive.builders.latex.book import LATEX_ELEMENTS

project = "diagrams"
author = "test"
language = "ja"
extensions = ["myst_parser", "sphinx_design", "sphinxcontrib.mermaid", "postarchive"]
postarchive_posts_dir = "posts"  # the test points it at the seeds with confoverrides
exclude_patterns = ["_build", "_archive", ".postarchive-generated.json"]
suppress_warnings = ["myst.header"]
myst_enable_extensions = ["colon_fence"]

latex_engine = "uplatex"
postarchive_pdf_volumes = "single"  # one book: conf.py's latex_documents
latex_documents = [("index", "diagrams.tex", project, author, "manual")]
latex_elements = LATEX_ELEMENTS
latex_domain_indices = False
