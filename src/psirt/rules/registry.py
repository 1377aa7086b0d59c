"""The rule framework: every check has a stable code, a level, a subject kind, a summary and a hint.

Rules are declared once (``RULES.declare(...)``) at import time of their module, so ``psirt rules``
can list them all and a finding can never carry a code nobody declared. Check functions are
grouped by subject kind (``RULES.check(kind)``) so a workflow runs "every CVE request check" without
knowing the modules; the signature of a check is the kind's business (a snapshot, one issue and a
context, a blog post text...), the registry only stores and returns them.

Blog lint and CVE lint use the same registry with their own code prefixes (``BLG``, ``CVY`` ...).
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable, Iterable, Iterator
from typing import Any, TypeVar

from psirt.core.finding import Finding, Level, Rule

CheckFn = TypeVar("CheckFn", bound=Callable[..., Iterable[Finding]])


class DuplicateRuleError(ValueError):
    """Two modules declared the same code differently: a programming error, caught by tests."""


class RuleRegistry:
    """All declared rules by code, and the check functions by subject kind."""

    def __init__(self) -> None:
        self._rules: dict[str, Rule] = {}
        self._checks: dict[str, list[Callable[..., Iterable[Finding]]]] = {}

    def declare(
        self, code: str, level: Level, subject_kind: str, summary: str, hint: str = ""
    ) -> Rule:
        """Declare a rule; re-declaring the identical rule (module reload) is harmless."""
        rule = Rule(code, level, subject_kind, summary, hint)
        existing = self._rules.get(code)
        if existing is not None and existing != rule:
            raise DuplicateRuleError(f"rule {code} declared twice with different definitions")
        self._rules[code] = rule
        return rule

    def check(self, subject_kind: str) -> Callable[[CheckFn], CheckFn]:
        """Decorator registering a check function under a subject kind (once per function)."""

        def decorate(function: CheckFn) -> CheckFn:
            checks = self._checks.setdefault(subject_kind, [])
            key = (function.__module__, function.__qualname__)
            checks[:] = [c for c in checks if (c.__module__, c.__qualname__) != key]
            checks.append(function)
            return function

        return decorate

    def checks(self, subject_kind: str) -> list[Callable[..., Iterable[Finding]]]:
        return list(self._checks.get(subject_kind, ()))

    def run(self, subject_kind: str, *args: Any) -> list[Finding]:
        """Every check of a kind over the same arguments, findings in registration order."""
        findings: list[Finding] = []
        for check in self.checks(subject_kind):
            findings.extend(check(*args))
        return findings

    def get(self, code: str) -> Rule:
        try:
            return self._rules[code]
        except KeyError:
            raise KeyError(f"no rule {code}") from None

    def __contains__(self, code: object) -> bool:
        return code in self._rules

    def __iter__(self) -> Iterator[Rule]:
        return iter(sorted(self._rules.values(), key=lambda rule: rule.code))

    def __len__(self) -> int:
        return len(self._rules)

    def of_kind(self, subject_kind: str) -> list[Rule]:
        return [rule for rule in self if rule.subject_kind == subject_kind]


RULES = RuleRegistry()

_SKIP = frozenset({"registry", "overshare", "catalog"})


def load_all() -> RuleRegistry:
    """Import every module of ``psirt.rules`` so each declares its rules; returns the registry.

    Discovery by package listing means a new rule module (blog, CVE YAML ...) needs no edit here.
    """
    import psirt.rules as package

    for module in pkgutil.iter_modules(package.__path__):
        if module.name not in _SKIP and not module.name.startswith("_"):
            importlib.import_module(f"psirt.rules.{module.name}")
    return RULES
