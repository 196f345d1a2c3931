from postarchive.builders.latex.book import LATEX_ELEMENTS, book_documents

project = "ALLFORCES AI投資分析アーカイブ"
author = "ALLFORCES編集部"
language = "ja"
extensions = ["myst_parser", "sphinx_design", "postarchive"]
postarchive_posts_dir = "posts"  # the test points it at the seeds with confoverrides
postarchive_registry = "companies.yml"  # likewise at the repository's docs/companies.yml
exclude_patterns = ["_build", "_archive", ".postarchive-generated.json"]
suppress_warnings = ["myst.header"]
myst_enable_extensions = ["colon_fence"]

latex_engine = "uplatex"
postarchive_pdf_volumes = "single"  # one book: conf.py's latex_documents
latex_documents = book_documents(project, author, "seeds")
latex_elements = LATEX_ELEMENTS
latex_domain_indices = False
