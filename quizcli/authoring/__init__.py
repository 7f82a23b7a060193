"""Authoring and interchange: new banks, lint, the JSON Schema, export, import.

Standard library plus what quizcli already needs (genanki only for Anki
export); nothing here prints: the commands hand results to quizcli/ui.
"""
