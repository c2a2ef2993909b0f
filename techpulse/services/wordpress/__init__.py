"""Moving a WordPress site into TechPulse: read the export, convert, write, redirect."""
