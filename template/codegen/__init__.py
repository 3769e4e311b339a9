"""Regenerates this connector's generated modules from the API description in api/."""
