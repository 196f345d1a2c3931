"""What the HTML builders get besides Sphinx's own pages."""
