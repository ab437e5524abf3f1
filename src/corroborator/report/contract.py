"""The JSON contract: JSON Schema files for every documented JSON output (docs/json.md).

Example:
    >>> validate(json.loads(stdout), "stories")      # needs the 'test' extra (jsonschema)
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from corroborator.views import SCHEMA_VERSION

SCHEMA_DIR = Path(__file__).parent / "schemas"
NAMES = ("alerts", "check", "compare", "outlet", "outlets", "report", "stories", "story")

__all__ = ["NAMES", "SCHEMA_VERSION", "schema", "validate"]


@cache
def schema(name: str) -> dict[str, Any]:
    """The JSON Schema of one output, by name (one of ``NAMES``)."""
    if name not in NAMES and name != "defs":
        raise ValueError(f"no JSON schema {name!r}; choose one of {', '.join(NAMES)}")
    return json.loads((SCHEMA_DIR / f"{name}.schema.json").read_text(encoding="utf-8"))


def validate(data: Any, name: str) -> None:
    """Raise ``jsonschema.ValidationError`` unless `data` matches schema `name`."""
    import jsonschema
    from referencing import Registry, Resource

    resources = [(schema(n)["$id"], Resource.from_contents(schema(n))) for n in (*NAMES, "defs")]
    validator = jsonschema.Draft202012Validator(schema(name),
                                                registry=Registry().with_resources(resources))
    validator.validate(data)
