"""Reading a YAML file that a person wrote: UTF-8 only, no NUL bytes, no key given twice, within a size limit.

PyYAML's safe loader silently keeps the last of two equal keys (a pledge's text written twice loses the
first without a word), and a non-UTF-8 file failed with a ``UnicodeDecodeError`` traceback. Both become a
clear error naming the file and line.
"""

from __future__ import annotations

from typing import Any

import yaml

from pophealth.errors import InputError, Problem, shorten
from pophealth.sources.text_guard import MAX_CELL

_BASE = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml's loader is several times faster
MAX_BYTES = 20 * 1024 * 1024


class _UniqueKeyLoader(_BASE):  # type: ignore[misc, valid-type]
    """The safe loader, refusing a mapping that names a key twice."""

    def construct_mapping(self, node, deep=False):  # noqa: ANN001, ANN201 - PyYAML's signature
        seen: set = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=True)
            try:
                duplicate = key in seen
            except TypeError:  # an unhashable key: the base loader reports it
                break
            if duplicate:
                raise yaml.constructor.ConstructorError(None, None, f"the key {shorten(key)} is given twice",
                                                        key_node.start_mark)
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


def load_yaml(data: bytes, name: str) -> Any:
    """The document in ``data`` (named ``name`` in errors), or ``InputError`` naming the line at fault."""
    if len(data) > MAX_BYTES:
        raise InputError(Problem(name, f"the file is {len(data):,} bytes; the limit is {MAX_BYTES:,}"))
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(Problem(name, f"is not UTF-8 text: byte 0x{data[exc.start:exc.start + 1].hex()} at "
                                       f"position {exc.start:,} (save it as UTF-8)",
                                 row=data.count(b"\n", 0, exc.start) + 1)) from None
    if "\x00" in text:
        raise InputError(Problem(name, "contains a NUL byte (a binary file, or text cut short?)",
                                 row=text.count("\n", 0, text.index("\x00")) + 1))
    try:
        document = yaml.load(text, Loader=_UniqueKeyLoader)  # noqa: S506 - a safe loader
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or str(exc)
        raise InputError(Problem(name, f"not valid YAML: {str(problem)[:200]}",
                                 row=(mark.line + 1) if mark else None)) from None
    long = _longest_text(document)
    if long is not None:
        raise InputError(Problem(name, f"a value is longer than {MAX_CELL:,} characters: {shorten(long)}"))
    return document


def _longest_text(document: Any) -> str | None:
    """A string in the document longer than ``MAX_CELL``, if any (shared alias nodes visited once)."""
    seen: set[int] = set()
    stack = [document]
    while stack:
        item = stack.pop()
        if id(item) in seen:
            continue
        seen.add(id(item))
        if isinstance(item, str) and len(item) > MAX_CELL:
            return item
        if isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return None
