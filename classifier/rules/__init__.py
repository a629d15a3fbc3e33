"""The rules, by name: each a small class with a `description` and a `check()` returning a Decision.

Every module in this folder is imported here, and every Rule subclass with a `name` registers
itself, so a new rule is one file in this folder and one row in the chain table (config/chain.toml).
"""

import importlib
import pkgutil

from classifier.rules.base import REGISTRY, Context, EntityFinder, Rule

__all__ = ["REGISTRY", "Context", "EntityFinder", "Rule"]

for _module in pkgutil.iter_modules(__path__):
    importlib.import_module(f"{__name__}.{_module.name}")
