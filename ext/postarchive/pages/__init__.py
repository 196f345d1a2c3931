"""The generated MyST pages, and what is added to the doctrees of post pages."""
