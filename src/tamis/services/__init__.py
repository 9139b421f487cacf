"""Use cases: what a platform, a moderator or an operator can do, whatever the interface.

The HTTP API, the CLI and the job workers call these functions and nothing below them, so a
rule (an event per state change, a tenant on every query) is written once.
"""
