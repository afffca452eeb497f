"""Memberships as bits: which of many names (registers, conditions, cohorts, care gaps) a person has, as the
bits of a few integers per person.

A flag per name is one aggregate per name over every membership row; a million people on 40 registers made
that the costliest part of the person facts and the aggregates. Packed, the names take one bitwise-or
aggregate per ``BITS`` names, and a flag is one bitwise and.
"""

from __future__ import annotations

import ibis.expr.operations as ops
import ibis.expr.types as ir

BITS = 62  # names per integer (int64, sign bit unused)


def packed(name: ir.StringColumn, names: list[str], prefix: str, when: ir.BooleanValue | None = None
           ) -> dict[str, ir.IntegerValue]:
    """``name`` as one bit per entry of ``names`` in the integers ``<prefix>0, <prefix>1 ...`` (0 unless
    ``when``): per-row values, to be combined with ``bit_or`` per person."""
    out = {}
    for k in range(0, len(names), BITS):
        bit = name.cases(*[(n, 1 << i) for i, n in enumerate(names[k:k + BITS])], else_=0).cast("int64")
        out[f"{prefix}{k // BITS}"] = bit if when is None else when.ifelse(bit, 0)
    return out


def bit(t: ir.Table, prefix: str, i: int) -> ir.BooleanValue:
    """Whether the ``i``-th name's bit is set in ``t``'s ``<prefix>*`` integers (False where they are null)."""
    return ((t[f"{prefix}{i // BITS}"] & (1 << (i % BITS))) != 0).fill_null(False)


def membership_flags(long: ir.Table, column: str, names: list[str], prefix: str) -> ir.Table:
    """One row per person in ``long``, a boolean column ``<prefix><name>`` per name: whether the person has a
    row whose ``column`` is that name. On an engine without a bitwise-or aggregate (PySpark through Ibis), one
    ``any`` per name: the same flags."""
    value = long[column]
    if not long.get_backend().has_operation(ops.BitOr):
        return long.group_by("person_id").aggregate(**{f"{prefix}{n}": (value == n).any() for n in names})
    masks = packed(value, names, "_m")
    m = long.group_by("person_id").aggregate(**{k: v.bit_or() for k, v in masks.items()})
    return m.select("person_id", **{f"{prefix}{n}": bit(m, "_m", i) for i, n in enumerate(names)})
