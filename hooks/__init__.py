"""Code that Copier runs at render time: Jinja extensions and generation tasks."""
