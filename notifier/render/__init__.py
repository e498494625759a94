"""Rendering a digest as webhook JSON, plain text and HTML."""

from notifier.render.html import render_html, sanitize_html
from notifier.render.json import digest_payload, render_json
from notifier.render.text import render_text

__all__ = ["digest_payload", "render_html", "render_json", "render_text", "sanitize_html"]
