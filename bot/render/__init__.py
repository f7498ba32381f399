"""Renderers: a neutral Reply to each platform's text format, within its length limits."""
