"""The model card's metadata: the licence a model is published under.

A Hugging Face model card is the repository's README.md; its YAML front matter names
the licence (``license: cc-by-nc-4.0``). Non-commercial licences are reported so that
nobody serves such a model commercially without knowing.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from pathlib import Path

from app.engines.base import EngineInfo
from app.engines.families import ModelLanguages

log = logging.getLogger(__name__)

_FRONT_MATTER = re.compile(r"\A\ufeff?---\s*\n(.*?)\n---\s*(\n|\Z)", re.DOTALL)
# "cc-by-nc-4.0", "cc-by-nc-sa-4.0", "CC BY-NC-ND": an NC element in a CC licence.
_NON_COMMERCIAL = re.compile(r"(^|[-_ ])nc($|[-_ ])", re.IGNORECASE)


@dataclass(frozen=True)
class Licence:
    """A model's licence as its card states it (None when the card says nothing)."""

    name: str | None
    non_commercial: bool


def _field(front_matter: str, key: str) -> str | None:
    """One top-level scalar of simple YAML (``key: value``, or the first item of a list)."""
    lines = front_matter.splitlines()
    for i, line in enumerate(lines):
        match = re.match(rf"{key}\s*:\s*(.*)$", line)
        if not match:
            continue
        value = match.group(1).strip()
        if not value and i + 1 < len(lines):  # a block list: "license:\n- mit"
            value = lines[i + 1].strip().removeprefix("-").strip()
        value = value.strip("[]").split(",")[0].strip().strip("'\"")
        return value or None
    return None


def read_licence(model_dir: Path) -> Licence:
    """The licence in the model card (README.md) of the model in ``model_dir``."""
    path = Path(model_dir) / "README.md"
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return Licence(None, False)
    match = _FRONT_MATTER.match(text)
    if not match:
        return Licence(None, False)
    name = _field(match.group(1), "license")
    if name == "other":  # the card names it in license_name
        name = _field(match.group(1), "license_name") or name
    return Licence(name, bool(name and _NON_COMMERCIAL.search(name)))


def engine_info(
    role: str,
    name: str,
    engine: str,
    device: str,
    compute_type: str,
    model_dir: Path,
    languages: ModelLanguages,
) -> EngineInfo:
    """What ``/v1/models`` reports: the backend, and for a translation model its family,
    languages and the licence its model card states."""
    licence = read_licence(model_dir)
    if role != "translation":
        return EngineInfo(role, name, engine, device, compute_type, languages=(),
                          licence=licence.name, non_commercial=licence.non_commercial)  # fmt: skip
    family = languages.family.name if languages.family else None
    return EngineInfo(
        role,
        name,
        engine,
        device,
        compute_type,
        family=family,
        languages=languages.languages,
        licence=licence.name,
        non_commercial=licence.non_commercial,
    )


def warn_non_commercial(info: EngineInfo) -> None:
    """Log a warning when a loaded model's licence forbids commercial use."""
    if info.non_commercial:
        log.warning(
            "the %s model %s is published under %s, a NON-COMMERCIAL licence: it may not "
            "be used for commercial purposes (a newsroom's paid product included); choose "
            "a model with a permissive licence (opus-mt: CC-BY-4.0, MADLAD-400: Apache-2.0) "
            "for such use",
            info.role,
            info.name,
            info.licence,
        )
