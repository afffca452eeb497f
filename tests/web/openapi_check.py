"""Check a JSON value against a schema from the app's OpenAPI document (the subset FastAPI emits).

Written here rather than adding a dependency: objects (properties, required, additionalProperties),
arrays (items, prefixItems), scalars with formats (date, date-time), enum/const, anyOf/oneOf/allOf and
$ref into ``components/schemas``. Returns the list of problems, each with its JSON path.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

_TYPES = {"object": dict, "array": list, "string": str, "boolean": bool, "null": type(None)}


def problems(value: Any, schema: dict, document: dict, where: str = "$") -> list[str]:
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        return problems(value, document["components"]["schemas"][name], document, where)
    found: list[str] = []
    for key in ("anyOf", "oneOf"):
        if key in schema:
            options = [problems(value, s, document, where) for s in schema[key]]
            if all(options):
                found.append(f"{where}: matches none of {key} ({min(options, key=len)[0]})")
    for sub in schema.get("allOf", []):
        found += problems(value, sub, document, where)
    if "enum" in schema and value not in schema["enum"]:
        found.append(f"{where}: {value!r} not in {schema['enum']}")
    if "const" in schema and value != schema["const"]:
        found.append(f"{where}: {value!r} is not {schema['const']!r}")
    kind = schema.get("type")
    if kind is None:
        return found
    kinds = kind if isinstance(kind, list) else [kind]
    if not any(_is(value, k) for k in kinds):
        return found + [f"{where}: expected {kind}, found {type(value).__name__} {str(value)[:60]!r}"]
    if isinstance(value, dict):
        for name in schema.get("required", []):
            if name not in value:
                found.append(f"{where}: missing required {name!r}")
        props = schema.get("properties", {})
        extra = schema.get("additionalProperties", True)
        for name, item in value.items():
            if name in props:
                found += problems(item, props[name], document, f"{where}.{name}")
            elif extra is False:
                found.append(f"{where}: unexpected property {name!r}")
            elif isinstance(extra, dict):
                found += problems(item, extra, document, f"{where}.{name}")
    if isinstance(value, list):
        prefix = schema.get("prefixItems", [])
        for i, item in enumerate(value):
            sub = prefix[i] if i < len(prefix) else schema.get("items")
            if sub:
                found += problems(item, sub, document, f"{where}[{i}]")
    if isinstance(value, str) and schema.get("format") in ("date", "date-time"):
        try:
            (dt.date if schema["format"] == "date" else dt.datetime).fromisoformat(value)
        except ValueError:
            found.append(f"{where}: {value!r} is not an ISO {schema['format']}")
    return found


def _is(value: Any, kind: str) -> bool:
    if kind == "integer":
        return isinstance(value, int) and not isinstance(value, bool)
    if kind == "number":
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    return isinstance(value, _TYPES[kind])


def response_schema(document: dict, path: str) -> dict:
    """The 200 JSON schema the OpenAPI document gives for GET ``path`` (a templated path)."""
    return document["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
