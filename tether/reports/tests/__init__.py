"""Pure tests of disclosure control, exporters, FOI drafts and charts: no database."""
