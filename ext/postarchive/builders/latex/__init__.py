"""The PDF book (upLaTeX + ujbook + mendex)."""
