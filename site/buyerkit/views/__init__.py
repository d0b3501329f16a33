"""Blueprints: each module exports `bp`."""
