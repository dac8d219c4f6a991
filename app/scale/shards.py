"""Batch inputs and outputs, one file per shard: JSON Lines (``.jsonl``, ``.json``) or
Parquet (``.parquet``) in, the same shard's results out (JSON Lines or Parquet).

A shard's output appears under its final name only once every item of the shard has a
result, so a stopped run resumes by skipping the shards whose output exists.

Items are read as JSON text: a JSON Lines line as it is (an invalid line becomes that
item's error, not a crash); a Parquet row as the JSON of its request columns (``id`` and
the request's fields; other columns, such as a URL or a date, are left out). Empty
Parquet cells count as absent fields.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.contract.schemas import ArticleRequest, TranslateRequest
from app.core.errors import InvalidInput

JSONL_SUFFIXES = (".jsonl", ".json")
PARQUET_SUFFIXES = (".parquet",)
FORMATS = ("jsonl", "parquet")
REQUEST_FIELDS = {
    "articles": ["id", *ArticleRequest.model_fields],
    "translate": ["id", *TranslateRequest.model_fields],
}


@dataclass(frozen=True)
class Row:
    """One input item: its shard, its line (JSON Lines) or row (Parquet) number from 1,
    and its JSON text (empty, with ``problem`` saying why, when the line is unreadable)."""

    shard: str
    line: int
    item: str
    problem: str = ""


def parse_row(row: Row) -> Any:
    """The item of a row, or ``InvalidInput`` naming its line when it is not JSON."""
    where = f"line {row.line} of {Path(row.shard).name}"
    if row.problem:
        raise InvalidInput(f"The item on {where} {row.problem}.")
    try:
        return json.loads(row.item)
    except json.JSONDecodeError as exc:
        raise InvalidInput(f"The item on {where} is not valid JSON ({exc.msg}).") from None


def find_shards(inputs: Sequence[str]) -> list[Path]:
    """The input files: each path given, or the JSON Lines and Parquet files directly
    inside a directory given, in name order. Two shards may not share a name."""
    shards: list[Path] = []
    for given in inputs:
        path = Path(given).expanduser()
        if path.is_dir():
            shards.extend(sorted(p for p in path.iterdir() if _readable(p)))
        elif not path.is_file():
            raise InvalidInput(f"No such input file or directory: {given}")
        elif not _readable(path):
            raise InvalidInput(f"{given} is neither JSON Lines (.jsonl) nor Parquet (.parquet).")
        else:
            shards.append(path)
    stems = [shard.stem for shard in shards]
    clashes = sorted({stem for stem in stems if stems.count(stem) > 1})
    if clashes:
        raise InvalidInput(f"Shards must have distinct names; these repeat: {', '.join(clashes)}")
    if not shards:
        raise InvalidInput("No input files: give .jsonl or .parquet files, or a folder of them.")
    return shards


def _readable(path: Path) -> bool:
    return path.is_file() and path.suffix.lower() in JSONL_SUFFIXES + PARQUET_SUFFIXES


def read_shard(shard: str, kind: str) -> Iterator[Row]:
    """Every item of a shard, in order (blank JSON Lines lines are not items)."""
    path = Path(shard)
    if path.suffix.lower() in PARQUET_SUFFIXES:
        yield from _parquet_rows(path, kind)
        return
    with path.open("rb") as lines:
        for number, raw in enumerate(lines, start=1):
            try:
                line = raw.decode("utf-8")
            except UnicodeDecodeError:
                yield Row(shard, number, "", "is not UTF-8 text")
                continue
            if line.strip():
                yield Row(shard, number, line)


def _parquet_rows(path: Path, kind: str) -> Iterator[Row]:
    import pyarrow.parquet as pq

    table = pq.ParquetFile(path)
    columns = [name for name in REQUEST_FIELDS[kind] if name in table.schema_arrow.names]
    number = 0
    for batch in table.iter_batches(columns=columns):
        for record in batch.to_pylist():
            number += 1
            present = {key: value for key, value in record.items() if value is not None}
            yield Row(str(path), number, json.dumps(present, ensure_ascii=False, default=str))


def output_path(out_dir: Path, shard: str, fmt: str) -> Path:
    """Where a shard's results go: the shard's name with the output format's suffix."""
    return out_dir / f"{Path(shard).stem}.{fmt}"


class ShardWriter:
    """Writes one shard's results to a hidden partial file, renamed into place by
    ``finish`` once the shard is complete."""

    def __init__(self, final: Path, fmt: str) -> None:
        if fmt not in FORMATS:
            raise InvalidInput(f"The output format must be jsonl or parquet, not {fmt!r}.")
        self.final = final
        self.fmt = fmt
        self.partial = final.with_name(f".{final.name}.partial")
        self.results: list[dict[str, Any]] = []
        self.count = 0
        self.errors = 0
        self._file = self.partial.open("w", encoding="utf-8") if fmt == "jsonl" else None

    def add(self, result: dict[str, Any]) -> None:
        """One item's result, in input order."""
        self.count += 1
        self.errors += "error" in result
        if self._file is not None:
            self._file.write(json.dumps(result, ensure_ascii=False) + "\n")
        else:
            self.results.append(result)

    def finish(self) -> None:
        """Complete the shard: its output appears under its final name."""
        if self._file is not None:
            self._file.close()
        else:
            _write_parquet(self.partial, self.results)
        self.partial.replace(self.final)


def _write_parquet(path: Path, results: list[dict[str, Any]]) -> None:
    """Parquet results: ``id`` (as text) and ``result``, the JSON of the item's whole
    result (the same object a JSON Lines output holds), whose shape varies by item."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.table(
        {
            "id": pa.array([_text_id(r.get("id")) for r in results], pa.string()),
            "result": pa.array([json.dumps(r, ensure_ascii=False) for r in results], pa.string()),
        }
    )
    pq.write_table(table, path)


def _text_id(value: Any) -> str | None:
    return None if value is None else str(value)
