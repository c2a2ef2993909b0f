"""Moving from Ghost: ``flask import-ghost EXPORT.json --images DIR`` (Labs → Export)."""
