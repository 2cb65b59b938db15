"""Entry point for gunicorn (`wsgi:app`) and for `flask --app wsgi`."""

from clinic import create_app

app = create_app()
