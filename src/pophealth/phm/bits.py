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


def membership_masks(long: ir.Table, column: str, names: list[str], prefix: str) -> ir.Table:
    """One row per person in ``long``: which of ``names`` their rows' ``column`` holds, kept packed as the
    integers ``<prefix>0, <prefix>1 ...``; ``unpacked`` reads them as flags. Joined into a wide per-person table
    (the PHM facts), a few integers travel through the joins rather than a column per name. On an
    engine without a bitwise-or aggregate (PySpark through Ibis) the flags themselves, one ``any`` per name
    (``<prefix>_<name>``): ``unpacked`` reads either."""
    value = long[column]
    if not long.get_backend().has_operation(ops.BitOr):
        return long.group_by("person_id").aggregate(**{f"{prefix}_{n}": (value == n).any() for n in names})
    masks = packed(value, names, prefix)
    return long.group_by("person_id").aggregate(**{k: v.bit_or() for k, v in masks.items()})


def unpacked(t: ir.Table, names: list[str], prefix: str) -> dict[str, ir.BooleanValue]:
    """Each name's flag from the columns ``membership_masks`` made (joined into ``t``): False where they are
    null (a person without a row)."""
    if f"{prefix}0" in t.columns:
        return {n: bit(t, prefix, i) for i, n in enumerate(names)}
    return {n: t[f"{prefix}_{n}"].fill_null(False) for n in names}


def membership_flags(long: ir.Table, column: str, names: list[str], prefix: str) -> ir.Table:
    """One row per person in ``long``, a boolean column ``<prefix><name>`` per name: whether the person has a
    row whose ``column`` is that name (``membership_masks`` unpacked)."""
    m = membership_masks(long, column, names, "_m")
    return m.select("person_id", **{f"{prefix}{n}": flag for n, flag in unpacked(m, names, "_m").items()})
