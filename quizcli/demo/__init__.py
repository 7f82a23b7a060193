"""Demos: small seeded PyTorch experiments that back an answer with numbers.

`api` (the result types), `contract` (statuses and result checks),
`folders` and `registry` (finding demos by id), `trust` (which user demo
folders may run) and `engine` (running a demo in a child process) never
import torch. `kit` (helpers for demo code) and `runner` (the subprocess
entry point) do, and are only imported inside the demo's own process.
"""
