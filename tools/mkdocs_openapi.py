"""MkDocs hook: publish the demo vendor's OpenAPI document as openapi.json beside the docs,
generated from content/ by the same function that serves /api/openapi.json, so the API page
links to a document that cannot drift from the code."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from mkdocs.structure.files import File, Files

from buyerkit.api.openapi import document
from buyerkit.content.catalog import load_catalog

ROOT = Path(__file__).resolve().parents[1]


def on_files(files: Files, config: Any) -> Files:
    """Add openapi.json (the demo content's document) to the site's files."""
    spec = document(load_catalog(ROOT / "content"), "/api/v1/score")
    files.append(File.generated(config, "openapi.json",
                                content=json.dumps(spec, indent=2, sort_keys=False) + "\n"))
    return files
