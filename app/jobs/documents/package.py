"""A .docx file's zip package, read with bounded cost whatever its index claims.

A zip's index (the central directory and each member's header) states sizes the
archive does not have to honour: a member that claims 1 KB may inflate to gigabytes,
and many index entries may point at the same compressed bytes. So nothing here trusts
a stated size: members are inflated in chunks and the bytes that actually come out are
counted against ``max_unpacked_bytes`` over the whole package, and the number of index
entries is bounded before the index is read at all.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass

from app.core.errors import InvalidInput, TextTooLong

CHUNK = 64 * 1024
CENTRAL_ENTRY = b"PK\x01\x02"  # every index entry the zip module reads starts with this
# Word writes deflated (or stored) members; bzip2 and LZMA inflate without a bound per
# chunk, and no Office file needs them.
METHODS = frozenset({zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED})


@dataclass(frozen=True)
class PackageLimits:
    """What one package may cost: index entries, and real bytes inflated from it."""

    max_entries: int
    max_unpacked_bytes: int


class Package:
    """An opened package: its members' names, each member streamed in counted chunks,
    and a copy of the package with some members replaced."""

    def __init__(self, data: bytes, limits: PackageLimits) -> None:
        entries = data.count(CENTRAL_ENTRY)  # an upper bound on what the index can hold
        if entries > limits.max_entries:
            raise TextTooLong(
                f"The document's zip index has {entries} entries; the limit is "
                f"{limits.max_entries} (WARTA_DOCUMENT_MAX_ZIP_ENTRIES)."
            )
        self.limits = limits
        self.unpacked = 0
        self._counted: set[str] = set()  # inflating a member again yields the same bytes
        try:
            self.zip = zipfile.ZipFile(io.BytesIO(data))
        except (zipfile.BadZipFile, ValueError, OSError, EOFError) as exc:
            raise unreadable(exc) from None
        self.names = [info.filename for info in self.zip.infolist()]
        if len(set(self.names)) < len(self.names):
            raise InvalidInput(
                "The document's zip index names one member twice; save it again from a "
                "word processor."
            )
        odd = [info for info in self.zip.infolist() if info.compress_type not in METHODS]
        if odd:
            raise InvalidInput(
                f"The document's member {odd[0].filename!r} uses a compression Word does not "
                "write; save it again from a word processor."
            )

    def chunks(self, name: str) -> Iterator[bytes]:
        """The member's bytes as they inflate, counted against the limit (once per member:
        a second read inflates the same bytes)."""
        first = name not in self._counted
        try:
            with self.zip.open(name) as member:
                while chunk := member.read(CHUNK):
                    if first:
                        self._count(len(chunk))
                    yield chunk
        except (zipfile.BadZipFile, ValueError, OSError, EOFError, KeyError) as exc:
            raise unreadable(exc) from None
        self._counted.add(name)

    def check_all(self) -> None:
        """Inflate every member once, so a package that would pass its limit (or fail its
        checksums) is refused now, not when its translation is written."""
        for name in self.names:
            for _ in self.chunks(name):
                pass

    def copy(self, replaced: dict[str, bytes]) -> bytes:
        """The package with each member named in ``replaced`` given new bytes, every other
        member copied as it was, in the same order."""
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
            for info in self.zip.infolist():
                if info.filename in replaced:
                    target.writestr(_fresh(info), replaced[info.filename])
                    continue
                with target.open(_fresh(info), "w") as member:
                    for chunk in self.chunks(info.filename):
                        member.write(chunk)
        return out.getvalue()

    def _count(self, size: int) -> None:
        self.unpacked += size
        if self.unpacked > self.limits.max_unpacked_bytes:
            raise TextTooLong(
                f"The document unpacks to more than {self.limits.max_unpacked_bytes} bytes "
                "(WARTA_DOCUMENT_MAX_UNPACKED_BYTES); whatever its zip index says, that is "
                "what its members inflate to. Split the document."
            )


def _fresh(info: zipfile.ZipInfo) -> zipfile.ZipInfo:
    """A new index entry with the member's name and date, deflated; its sizes are those
    of what is written, never the old entry's."""
    entry = zipfile.ZipInfo(info.filename, date_time=info.date_time)
    entry.compress_type = zipfile.ZIP_DEFLATED
    entry.external_attr = info.external_attr
    return entry


def unreadable(exc: BaseException) -> InvalidInput:
    """The 422 for a package the zip module cannot read."""
    return InvalidInput(f"The file is not a readable Word document (.docx): {type(exc).__name__}.")
