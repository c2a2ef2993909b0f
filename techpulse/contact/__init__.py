"""The public contact form."""
