"""A faster ``__init__`` for the frozen dataclasses a verdict builds by the hundred.

A frozen dataclass's generated ``__init__`` stores each field through ``object.__setattr__`` (its
own ``__setattr__`` refuses): 2.4 µs for an 8-field ``PairResult`` on CPython 3.11 against 0.4 µs
for a plain class. A 50-review product's ERO builds about 110 such records (a Tukey pair per star
pair and feature, a result per category), so that was ~8% of the CLI's CPU a product (issue 18).
``quick_init`` replaces the generated ``__init__`` by one with the same signature (fields in
order, the same defaults) that writes the fields straight into the instance ``__dict__`` - which
is all ``object.__setattr__`` did there - so the objects, their equality, hash, repr, pickling and
``dataclasses.replace`` are unchanged, and they stay frozen (assignment still raises).
"""

from __future__ import annotations

import dataclasses
from typing import Any, TypeVar

__all__ = ["quick_init", "replaced"]

T = TypeVar("T")


def quick_init(cls: type[T]) -> type[T]:
    """Give the frozen dataclass ``cls`` the dict-writing ``__init__`` (module docstring).

    Only plain fields are supported (no ``default_factory``, no ``init=False`` field, no
    ``__post_init__``, no slots): anything else raises TypeError, so that a change to a record
    cannot silently lose what the generated ``__init__`` would have done."""
    if not dataclasses.is_dataclass(cls) or "__slots__" in cls.__dict__:
        raise TypeError(f"{cls.__name__}: quick_init needs a dataclass without slots")
    if hasattr(cls, "__post_init__"):
        raise TypeError(f"{cls.__name__}: quick_init does not run __post_init__")
    defaults: dict[str, Any] = {}
    parameters, body = [], []
    for spec in dataclasses.fields(cls):
        if not spec.init or spec.default_factory is not dataclasses.MISSING:
            raise TypeError(f"{cls.__name__}.{spec.name}: quick_init takes plain fields only")
        if spec.default is dataclasses.MISSING:
            parameters.append(spec.name)
        else:
            defaults[f"_default_{spec.name}"] = spec.default
            parameters.append(f"{spec.name}=_default_{spec.name}")
        body.append(f"    fields[{spec.name!r}] = {spec.name}")
    source = (
        f"def __init__(self, {', '.join(parameters)}):\n"
        "    fields = self.__dict__\n" + "\n".join(body or ["    pass"]) + "\n"
    )
    namespace: dict[str, Any] = {}
    exec(source, dict(defaults), namespace)  # the source is built from the field names above
    init = namespace["__init__"]
    cls.__quick_fields__ = frozenset(spec.name for spec in dataclasses.fields(cls))  # type: ignore[attr-defined]
    init.__qualname__ = f"{cls.__qualname__}.__init__"
    init.__doc__ = cls.__init__.__doc__
    cls.__init__ = init  # type: ignore[method-assign]
    return cls


def replaced(record: T, **changes: Any) -> T:
    """``dataclasses.replace(record, **changes)`` for a ``quick_init`` record: a new record with
    the same fields but ``changes``. What ``replace`` does (``__init__`` with every field, which
    here only writes them into ``__dict__``) without its per-call look-up of the fields, ~6 µs
    for a 16-field ``FeatureResult``. TypeError for a name that is not a field, as ``replace``."""
    names: frozenset[str] | None = getattr(type(record), "__quick_fields__", None)
    if names is None:
        raise TypeError(f"{type(record).__name__} is not a quick_init record")
    unknown = changes.keys() - names
    if unknown:
        raise TypeError(f"{type(record).__name__} has no field {sorted(unknown)[0]!r}")
    copy = object.__new__(type(record))
    fields = copy.__dict__
    fields.update(record.__dict__)
    fields.update(changes)
    return copy
