"""Which tokenizer the CTranslate2 engine loads for a model: Warta's own Marian
(SentencePiece) or byte-level BPE reader when the model has one of those, else
transformers' (see ``app.engines.tokenizer``)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from app.core.errors import MissingDependency
from app.engines.tokenizer import Tokenizer, TransformersTokenizer, tokenizer_kind


def load_tokenizer(model_dir: Path) -> Tokenizer:
    """The tokenizer of the Hugging Face model in ``model_dir``."""
    model_dir = Path(model_dir)
    kind = tokenizer_kind(model_dir)
    library = {"marian": "sentencepiece", "bpe": "tokenizers"}.get(kind)
    if library is not None and importlib.util.find_spec(library) is None:
        raise MissingDependency(
            f"The tokenizer of the model in {model_dir} needs the {library} package: "
            "pip install 'warta[ct2]'"
        )
    # Imported here: each needs its own library (sentencepiece, tokenizers), not both.
    if kind == "marian":
        from app.engines.spm import MarianTokenizer

        return MarianTokenizer.from_dir(model_dir)
    if kind == "bpe":
        from app.engines.bpe import ByteLevelBPETokenizer

        return ByteLevelBPETokenizer.from_dir(model_dir)
    return TransformersTokenizer(model_dir)
