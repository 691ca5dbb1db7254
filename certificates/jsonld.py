"""JSON-LD processing with the bundled contexts only: the loader refuses every other URL, so
processing a credential never touches the network (and an unknown context is an error)."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from pyld import jsonld

CONTEXT_DIR = Path(__file__).resolve().parent / "contexts"
VC_V2 = "https://www.w3.org/ns/credentials/v2"
OB_V3 = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
BUNDLED = {VC_V2: "credentials-v2.jsonld", OB_V3: "ob-v3p0-context-3.0.3.json"}
# Terms the contexts do not define fall into this vocabulary (VC 2.0's @vocab).
UNDEFINED_TERM_PREFIX = "https://www.w3.org/ns/credentials/issuer-dependent#"


class ContextRefused(jsonld.JsonLdError):
    pass


@cache
def bundled_context(url: str) -> dict[str, Any]:
    return json.loads((CONTEXT_DIR / BUNDLED[url]).read_text(encoding="utf-8"))


def document_loader(url: str, options: dict | None = None) -> dict[str, Any]:
    """pyld's document loader: bundled contexts, nothing else."""
    if url not in BUNDLED:
        raise ContextRefused(
            f"context {url} is not bundled; contexts are never fetched",
            "jsonld.LoadDocumentError",
            code="loading document failed",
        )
    return {"contextUrl": None, "documentUrl": url, "document": bundled_context(url)}


def expand(document: dict[str, Any]) -> list[dict[str, Any]]:
    return jsonld.expand(document, {"documentLoader": document_loader})


def undefined_terms(expanded: Any) -> set[str]:
    """Properties that only the catch-all vocabulary gave a meaning to (i.e. typos or terms the
    contexts do not define)."""
    found: set[str] = set()
    if isinstance(expanded, list):
        for item in expanded:
            found |= undefined_terms(item)
    elif isinstance(expanded, dict):
        for key, value in expanded.items():
            if key.startswith(UNDEFINED_TERM_PREFIX):
                found.add(key.removeprefix(UNDEFINED_TERM_PREFIX))
            found |= undefined_terms(value)
    return found
