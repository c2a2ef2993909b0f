"""The only place text becomes HTML: Markdown to allow-listed HTML, and media inside stories."""
