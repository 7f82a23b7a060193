"""Demos: small seeded PyTorch experiments that back an answer with numbers.

`api` (the result types) and `registry` (finding demos by id) never import
torch. `kit` (helpers for demo code) and `runner` (the subprocess entry
point) do, and are only imported inside the demo's own process.
"""
