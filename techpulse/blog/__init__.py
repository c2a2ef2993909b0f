"""Public reading: home, articles, archives."""
