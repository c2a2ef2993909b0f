"""The company's own pages."""
