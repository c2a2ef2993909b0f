"""Login, logout, passwords, and the one role policy every staff page goes through."""
