"""What every import (WordPress, Ghost; CLI or staff area) shares: schema check, background jobs."""
