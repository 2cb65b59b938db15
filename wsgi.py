"""Entry point for gunicorn (`wsgi:app`) and for `flask --app wsgi`."""

import gc

from clinic import create_app

app = create_app()

# Everything built so far (modules, the app, its templates' caches) lives as long as the process:
# move it out of the garbage collector's sight, so collections during requests stay short.
gc.freeze()
