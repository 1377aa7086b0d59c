"""A runtime check that a class implements a port (a ``Protocol``): mypy checks the assignment,
this checks that every method of the port exists with the same parameters, names and kinds."""

from __future__ import annotations

import inspect


def missing_or_different(implementation: object, port: type) -> list[str]:
    """The port's public methods that ``implementation`` lacks or takes differently."""
    problems: list[str] = []
    for name, member in vars(port).items():
        if name.startswith("_") or not inspect.isfunction(member):
            continue
        method = getattr(implementation, name, None)
        if not callable(method):
            problems.append(f"{name}: missing")
            continue
        wanted = [(p.name, p.kind) for p in inspect.signature(member).parameters.values()][1:]
        have = [(p.name, p.kind) for p in inspect.signature(method).parameters.values()]
        if have != wanted:
            problems.append(f"{name}: takes {have}, the port {wanted}")
    return problems
