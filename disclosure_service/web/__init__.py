"""The web shell: Jinja templates, static assets, layout helpers, errors and security headers."""
