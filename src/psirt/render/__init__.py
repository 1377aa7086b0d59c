"""Renderers and the Jinja2 templates of every public text."""
