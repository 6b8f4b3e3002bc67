"""Importing what a learner points the course at: a Python file, or `module:attribute` as uvicorn takes it."""

from __future__ import annotations

import importlib
import importlib.util
import sys
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any


@dataclass(frozen=True)
class Target:
    """A file (`exercises/ex02_async_endpoint.py`, its `app` attribute) or `module:attribute` (`main:app`)."""

    file: Path | None
    module: str | None
    attribute: str

    @classmethod
    def parse(cls, text: str | Path, default_attribute: str = "app") -> Target:
        """The one reading of a target: a path ending in .py or naming an existing file, else `module:attr`."""
        raw = str(text)
        if raw.endswith(".py") or Path(raw).is_file() or ":" not in raw:
            return cls(Path(raw).resolve(), None, default_attribute)
        module, _, attribute = raw.partition(":")
        return cls(None, module, attribute or default_attribute)

    @property
    def label(self) -> str:
        """How verdicts and messages name it (never a full path of this machine)."""
        return self.file.name if self.file else f"{self.module}:{self.attribute}"

    def as_argument(self) -> str:
        """The target as one command-line argument for a child process."""
        return str(self.file) if self.file else f"{self.module}:{self.attribute}"


def import_file(path: Path, extra_path: Path | None = None) -> ModuleType:
    """Import a Python file as a module named after it (its folder goes first on sys.path, then `extra_path`)."""
    path = path.resolve()
    sys.path.insert(0, str(path.parent))
    if extra_path is not None:
        sys.path.insert(1, str(extra_path))
    spec = importlib.util.spec_from_file_location(path.stem, path)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot import {path.name}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[path.stem] = module
    spec.loader.exec_module(module)
    return module


def load_target(target: Target, extra_path: Path | None = None) -> tuple[ModuleType, Any]:
    """Import the target's module; returns it and its attribute (None when the module has no such name)."""
    if target.file is not None:
        module = import_file(target.file, extra_path)
    else:
        if "" not in sys.path and "." not in sys.path:
            sys.path.insert(0, "")  # like uvicorn: modules importable from the current directory
        module = importlib.import_module(target.module or "")
    return module, getattr(module, target.attribute, None)
