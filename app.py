"""Entry point: ``flask --app app run`` or ``granian --interface wsgi app:app``."""

from techpulse import create_app

app = create_app()
