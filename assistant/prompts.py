"""The wording people read and models are given lives in ``prompts/*.toml``, not in the code."""

from __future__ import annotations

import tomllib
from functools import cache
from typing import Any

from assistant.settings import PROJECT_ROOT

PROMPTS_DIR = PROJECT_ROOT / "prompts"


@cache
def load_prompts(name: str) -> dict[str, Any]:
    """``prompts/<name>.toml``, read once per process."""
    with (PROMPTS_DIR / f"{name}.toml").open("rb") as handle:
        return tomllib.load(handle)
