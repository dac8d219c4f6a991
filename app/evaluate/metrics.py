"""Parallel sets in, corpus scores out: SacreBLEU's BLEU and chrF with their default
settings (and signatures), COMET when its extra and a local model are present."""

from __future__ import annotations

import importlib.util
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from app.core.errors import InvalidInput, MissingDependency


@dataclass(frozen=True)
class ParallelSet:
    """Source sentences and their reference translations, one pair per line."""

    sources: list[str]
    references: list[str]


def read_tsv(text: str, name: str = "the file") -> ParallelSet:
    """``source<TAB>reference`` lines (blank lines skipped); a line without exactly one
    tab is an error naming the line."""
    sources, references = [], []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        fields = line.split("\t")
        if len(fields) != 2 or not fields[0].strip() or not fields[1].strip():
            raise InvalidInput(
                f"{name}, line {number}: expected 'source<TAB>reference', found "
                f"{len(fields)} field(s)"
            )
        sources.append(fields[0].strip())
        references.append(fields[1].strip())
    return _checked(ParallelSet(sources, references), name)


def read_pair_files(source_text: str, reference_text: str, name: str) -> ParallelSet:
    """Line ``i`` of the source file against line ``i`` of the reference file."""
    sources = [line.strip() for line in source_text.splitlines()]
    references = [line.strip() for line in reference_text.splitlines()]
    if len(sources) != len(references):
        raise InvalidInput(
            f"{name}: the source file has {len(sources)} lines and the reference file "
            f"{len(references)}; they must match line for line"
        )
    kept = [(s, r) for s, r in zip(sources, references, strict=True) if s or r]
    for number, (source, reference) in enumerate(kept, 1):
        if not source or not reference:
            raise InvalidInput(f"{name}: pair {number} has an empty side")
    return _checked(ParallelSet([s for s, _ in kept], [r for _, r in kept]), name)


def _checked(pairs: ParallelSet, name: str) -> ParallelSet:
    if not pairs.sources:
        raise InvalidInput(f"{name} holds no sentence pairs")
    return pairs


@dataclass(frozen=True)
class Scores:
    """Corpus scores of one system's outputs, and the SacreBLEU signature of each."""

    bleu: float
    chrf: float
    signatures: dict[str, str]


def score(hypotheses: Sequence[str], references: Sequence[str]) -> Scores:
    """SacreBLEU corpus BLEU and chrF, default settings (as ``sacrebleu`` run by hand)."""
    from sacrebleu.metrics.bleu import BLEU
    from sacrebleu.metrics.chrf import CHRF

    refs = [list(references)]
    bleu, chrf = BLEU(), CHRF()
    bleu_score = bleu.corpus_score(list(hypotheses), refs).score
    chrf_score = chrf.corpus_score(list(hypotheses), refs).score
    names = {"bleu": str(bleu.get_signature()), "chrf": str(chrf.get_signature())}
    return Scores(round(bleu_score, 2), round(chrf_score, 2), names)


def comet_checkpoint(model_path: Path) -> Path:
    """The checkpoint file of a local COMET model (a model.ckpt, or the folder a COMET
    model was saved in); a clear error when the comet extra or the file is missing."""
    if importlib.util.find_spec("comet") is None:
        raise MissingDependency("COMET scores need the comet extra: pip install 'warta[comet]'")
    checkpoint = Path(model_path).expanduser()
    if checkpoint.is_dir():
        checkpoint = checkpoint / "checkpoints" / "model.ckpt"
    if not checkpoint.is_file():
        raise InvalidInput(
            f"No COMET checkpoint at {model_path}: give a model.ckpt, or the folder of a "
            "COMET model already on disk (nothing is downloaded)"
        )
    return checkpoint


def comet_score(
    checkpoint: Path, sources: Sequence[str], hypotheses: Sequence[str], references: Sequence[str]
) -> float:
    """The system-level COMET score (x100) from a local COMET checkpoint."""
    from comet import load_from_checkpoint

    model = load_from_checkpoint(str(checkpoint))
    data = [
        {"src": s, "mt": h, "ref": r}
        for s, h, r in zip(sources, hypotheses, references, strict=True)
    ]
    output = model.predict(data, batch_size=16, gpus=0, progress_bar=False)
    return round(float(output.system_score) * 100, 2)
