"""Gunicorn settings for bench/run: none beyond the command line, as stock Wagtail is served.

The project's gunicorn.conf.py (read from the working directory otherwise) writes a JSON access
line per request; stock writes none, so both are measured without one.
"""
