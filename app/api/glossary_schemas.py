"""Request and response models of ``/v1/glossaries``."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field

from app.contract.schemas import Request
from app.store import Glossary, GlossaryInfo
from app.store.glossaries import MAX_NAME_CHARS

ENTRIES_DESCRIPTION = (
    "Source term -> the English that must appear for it, e.g. "
    '`{"DPR": "House of Representatives"}`; terms are trimmed, none may be empty, contain '
    "a tab, line break or other control character, or appear twice."
)
ENTRIES_EXAMPLE = {"DPR": "House of Representatives", "KPK": "KPK"}


class GlossaryCreate(Request):
    """A new glossary sent as JSON (or upload a TSV/CSV file instead)."""

    name: str = Field(
        description=f"What you call it (1 to {MAX_NAME_CHARS} characters)",
        examples=["newsroom"],
    )
    entries: dict[str, str] = Field(description=ENTRIES_DESCRIPTION, examples=[ENTRIES_EXAMPLE])


class GlossaryReplace(Request):
    """A glossary's new entries (all of them), and optionally a new name."""

    entries: dict[str, str] = Field(description=ENTRIES_DESCRIPTION, examples=[ENTRIES_EXAMPLE])
    name: str | None = Field(None, description="A new name; the name stays when omitted")


class GlossaryPatch(Request):
    """A new name and/or entries merged into the glossary's."""

    name: str | None = Field(None, description="A new name")
    entries: dict[str, str] | None = Field(
        None,
        description="Entries merged in: a term the glossary has gets the new target, new "
        "terms are added last",
        examples=[{"MK": "Constitutional Court"}],
    )


class GlossaryOut(BaseModel):
    """A stored glossary (without its entries)."""

    id: str = Field(examples=["g-3f2a9c0d5e6b47a1b2c3d4e5f6a7b8c9"])
    name: str = Field(examples=["newsroom"])
    source_lang: str = Field(examples=["id"])
    target_lang: str = Field(examples=["en"])
    entry_count: int = Field(examples=[2])
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, info: GlossaryInfo) -> GlossaryOut:
        return cls(
            id=info.id,
            name=info.name,
            source_lang=info.source_lang,
            target_lang=info.target_lang,
            entry_count=info.entry_count,
            created_at=info.created_at,
            updated_at=info.updated_at,
        )


class GlossaryDetail(GlossaryOut):
    """A stored glossary with its entries, in the order they were given."""

    entries: dict[str, str] = Field(examples=[ENTRIES_EXAMPLE])

    @classmethod
    def of_glossary(cls, glossary: Glossary) -> GlossaryDetail:
        return cls(**GlossaryOut.of(glossary).model_dump(), entries=glossary.entries)


class GlossaryList(BaseModel):
    glossaries: list[GlossaryOut]


UPLOAD_FORM = {
    "type": "object",
    "required": ["file"],
    "properties": {
        "file": {
            "type": "string",
            "format": "binary",
            "description": "UTF-8 text: one `source<TAB>target` (TSV) or `source,target` "
            "(CSV) pair per line",
        },
        "name": {"type": "string", "description": "The glossary's name (required to create)"},
        "entries_format": {
            "type": "string",
            "enum": ["tsv", "csv"],
            "description": "Default: `csv` for a file named *.csv, else `tsv`",
        },
    },
}
