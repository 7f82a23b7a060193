"""The only package that touches Rich."""
