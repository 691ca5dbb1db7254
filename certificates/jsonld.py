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
# A vocabulary for spotting terms the contexts do not define (see undefined_terms).
UNDEFINED_TERM_PREFIX = "urn:shuzhi:undefined-term#"


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


def undefined_terms(document: dict[str, Any]) -> set[str]:
    """Properties the document's contexts do not define (JSON-LD would drop them silently).

    Expands a copy with a catch-all vocabulary appended to its contexts, then lists the
    properties that only the catch-all gave a meaning to."""
    probe = dict(document)
    contexts = probe.get("@context", [])
    probe["@context"] = [
        *(contexts if isinstance(contexts, list) else [contexts]),
        {"@vocab": UNDEFINED_TERM_PREFIX},
    ]
    return _catch_all_keys(expand(probe))


def _catch_all_keys(expanded: Any) -> set[str]:
    found: set[str] = set()
    if isinstance(expanded, list):
        for item in expanded:
            found |= _catch_all_keys(item)
    elif isinstance(expanded, dict):
        for key, value in expanded.items():
            if key.startswith(UNDEFINED_TERM_PREFIX):
                found.add(key.removeprefix(UNDEFINED_TERM_PREFIX))
            found |= _catch_all_keys(value)
    return found
