"""Request and response models of the HTTP API (pydantic lives only at this edge).

Requests are strict (no type coercion) and reject unknown fields, so a typo in an
option is a 422 rather than silently ignored. Every string anywhere in a request must be
valid Unicode: JSON can escape half of a surrogate pair (``"\\ud800"``), which no encoder
can write out again, so such a request is a 422 naming the field and the position.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator
from pydantic_core import PydanticCustomError

from app.contract.text_options import TermOptions
from app.services.article import ArticleResult
from app.services.detect import Detection
from app.services.issues import Issue, issues_of, problems
from app.services.summarize import SummaryResult
from app.services.translate import Segment, TranslationResult
from app.text.clean import CleanedText
from app.text.quality import summary_flags

# "auto", or a code of app.engines.families.SOURCE_LANGUAGES (where the model has it).
SourceLang = Literal["auto", "id", "ms", "jv", "su", "ban", "min", "ace", "bjn"]


def _not_blank(value: str) -> str:
    if not value.strip():
        raise ValueError("must contain some text, not only whitespace")
    return value


def unpaired_surrogate(text: str) -> int | None:
    """Index of the first unpaired UTF-16 surrogate in ``text``, or None."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        return exc.start
    return None


def surrogate_problem(data: Any) -> str | None:
    """Where the first string with an unpaired surrogate is in decoded JSON (keys too)."""
    stack: list[tuple[str, Any]] = [("", data)]
    while stack:  # iterative: a deeply nested request must not exhaust the Python stack
        where, value = stack.pop()
        if isinstance(value, str):
            at = unpaired_surrogate(value)
            if at is not None:
                return (
                    f"{where or 'the body'}: unpaired surrogate U+{ord(value[at]):04X} at "
                    f"character {at} (from 0); send valid Unicode, with a character outside "
                    "the Basic Multilingual Plane as a surrogate pair or unescaped"
                )
        elif isinstance(value, dict):
            for key, item in reversed(value.items()):
                shown = str(key).encode("utf-8", "backslashreplace").decode()  # never echo one
                name = f"{where}.{shown}" if where else shown
                stack += [(name, item), (f"{name} (the key)", key)]
        elif isinstance(value, list):
            stack += [(f"{where}.{i}", item) for i, item in reversed(list(enumerate(value)))]
    return None


class Request(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    @model_validator(mode="before")
    @classmethod
    def _valid_unicode(cls, data: Any) -> Any:
        problem = surrogate_problem(data)
        if problem is not None:
            raise PydanticCustomError("unpaired_surrogate", problem)
        return data


class ErrorDetail(BaseModel):
    code: str = Field(examples=["text_too_long"])
    message: str = Field(examples=["The texts have 120000 characters; the limit is 100000."])


class ErrorBody(BaseModel):
    """Every error response has this shape."""

    error: ErrorDetail


def error_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """A route's documented error answers: each status with the one error body."""
    return {status: {"model": ErrorBody} for status in statuses}


class Health(BaseModel):
    status: str = Field(examples=["ok"])


class ModelInfo(BaseModel):
    role: str = Field(examples=["translation"])
    name: str = Field(examples=["Helsinki-NLP/opus-mt-id-en"])
    engine: str = Field(examples=["ctranslate2"])
    device: str = Field(examples=["cpu"])
    compute_type: str = Field(examples=["int8"])
    revision: str | None = Field(
        None,
        description="The pinned repository revision (WARTA_TRANSLATION_REVISION / "
        "WARTA_SUMMARIZATION_REVISION), when one is set",
    )
    family: str | None = Field(
        None,
        examples=["nllb"],
        description="Translation models: marian, nllb, m2m100, madlad or mbart50 (how "
        "languages are given to the model); null for a model of no known family",
    )
    languages: list[str] = Field(
        default_factory=list, examples=[["id", "ms"]], description="Its source languages"
    )
    licence: str | None = Field(
        None, examples=["cc-by-4.0"], description="As the model card's metadata states it"
    )
    non_commercial: bool = Field(
        False, description="True when the licence forbids commercial use (CC BY-NC ...)"
    )


class ModelsResponse(BaseModel):
    models: list[ModelInfo]


class TranslateRequest(Request, TermOptions):
    texts: list[str] = Field(
        min_length=1,
        description="One or more texts; paragraphs separated by blank lines are kept.",
        examples=[["Harga beras naik lima persen bulan ini.\n\nPolisi menangkap dua tersangka."]],
    )
    source_lang: SourceLang = Field(
        "auto",
        description="`auto`: detect each text (Indonesian or Malay; English comes back "
        "unchanged); `id`, `ms`, or a regional language the model has (`jv`, `su`, `ban`, "
        "`min`, `ace`, `bjn`: see GET /v1/languages): translate every text as that language.",
    )
    return_segments: bool = Field(False, description="List every sentence with its translation.")

    @field_validator("texts")
    @classmethod
    def _texts_not_blank(cls, texts: list[str]) -> list[str]:
        for text in texts:
            _not_blank(text)
        return texts


class TermOut(BaseModel):
    source: str = Field(examples=["DPR"], description="The glossary entry")
    target: str = Field(examples=["House of Representatives"])


class IssueOut(BaseModel):
    flag: str = Field(examples=["numbers"], description="One of the segment's `flags`")
    missing: list[str] = Field(
        default_factory=list,
        examples=[["Rp1,2 triliun"]],
        description="`numbers`: the numbers, amounts and dates of the source that the "
        "translation does not say, as the source wrote them",
    )
    message: str = Field(
        examples=["a number or amount in the source is missing here: Rp1,2 triliun"],
        description="What the flag means, in a reader's words",
    )
    sentence: int | None = Field(
        default=None,
        description="In a summary: the index of the source sentence the issue comes from "
        "(null: the summary itself, e.g. a number the article does not say)",
    )

    @classmethod
    def of(cls, issue: Issue) -> IssueOut:
        return cls(
            flag=issue.flag,
            missing=list(issue.missing),
            message=issue.message,
            sentence=issue.sentence,
        )

    @classmethod
    def list_of(cls, source: str, translation: str, flags: Sequence[str]) -> list[IssueOut]:
        return [cls.of(i) for i in issues_of(source, translation, flags)]


def summary_issue_list(result: SummaryResult) -> list[IssueOut]:
    """A summary's issues: its own (a loop, control characters), then those of the
    sentences it was made from and what it says that the article does not."""
    own = [
        IssueOut(flag=i.flag, message=i.message.replace("the translation", "the summary"))
        for i in issues_of("", "", summary_flags(result.summary))
    ]
    return own + [IssueOut.of(issue) for issue in result.issues]


def summary_flag_list(result: SummaryResult) -> list[str]:
    """A summary's flags: its own (a loop, control characters), those of the sentences it
    was made from, and what it says that the article does not."""
    own = summary_flags(result.summary)
    return list(dict.fromkeys([*own, *(issue.flag for issue in result.issues)]))


class SegmentOut(BaseModel):
    paragraph: int = Field(
        description="Index of the paragraph in the input text, from 0 (with `html` or "
        "`markdown`: of the block, e.g. a paragraph, list item or table cell)"
    )
    source: str
    translation: str
    flags: list[str] = Field(
        default_factory=list,
        description="What still looks wrong with this translation (e.g. `repetition`, "
        "`numbers`, `control`: control or replacement characters), or needed a fallback: "
        "`protected_span_fallback` / `glossary_fallback` (the model lost a protected span or "
        "glossary term, so the text around it was translated in pieces), "
        "`tag_position_estimated` (an inline tag was placed by position, not by its words); "
        "empty when it looks fine.",
    )
    issues: list[IssueOut] = Field(
        default_factory=list,
        description="Each flag with what it lost and what it means: "
        '`{"flag": "numbers", "missing": ["Rp1,2 triliun"], "message": "..."}`',
    )
    terms: list[TermOut] = Field(
        default_factory=list, description="Glossary entries applied in this sentence"
    )

    @classmethod
    def of(cls, segment: Segment) -> SegmentOut:
        return cls(
            paragraph=segment.paragraph,
            source=segment.source,
            translation=segment.translation,
            flags=list(segment.flags),
            issues=IssueOut.list_of(segment.source, segment.translation, segment.flags),
            terms=[TermOut(source=source, target=target) for source, target in segment.terms],
        )


class TranslationOut(BaseModel):
    text: str = Field(examples=["Rice prices rose five percent this month."])
    detected_language: str = Field(
        examples=["id"], description="`id`, `ms`, `en`, or `und` (no recognisable language)"
    )
    segments: list[SegmentOut] | None = Field(None, description="Only when return_segments")
    flagged: int | None = Field(
        None,
        description="How many sentences are flagged (a lost number, a loop, ...), when any: "
        "ask for `return_segments` to see which and why",
    )

    @classmethod
    def of(cls, result: TranslationResult, language: str, with_segments: bool) -> TranslationOut:
        segments = [SegmentOut.of(s) for s in result.segments] if with_segments else None
        flagged = sum(1 for s in result.segments if problems(s.flags))
        return cls(
            text=result.text,
            detected_language=language,
            segments=segments,
            flagged=flagged or None,
        )


class TranslateResponse(BaseModel):
    translations: list[TranslationOut]
    model: str = Field(examples=["Helsinki-NLP/opus-mt-id-en"])
    engine: str = Field(examples=["ctranslate2"])


class DetectRequest(Request):
    text: str = Field(min_length=1, examples=["Harga beras naik lima persen bulan ini."])

    _text_not_blank = field_validator("text")(_not_blank)


class DetectResponse(BaseModel):
    language: str = Field(examples=["id"], description="`id`, `ms`, `en` or `und`")
    confidence: float = Field(ge=0, le=1, examples=[0.97])

    @classmethod
    def of(cls, detection: Detection) -> DetectResponse:
        return cls(language=detection.language, confidence=detection.confidence)


# /v1/summarize, /v1/clean and /v1/articles


class SummarizeRequest(Request):
    text: str = Field(min_length=1)
    mode: Literal["auto", "extractive", "abstractive"] = "auto"
    output_lang: Literal["en", "id"] = "en"
    max_sentences: int = Field(3, ge=1, le=20)

    _text_not_blank = field_validator("text")(_not_blank)


class SummarySentence(BaseModel):
    index: int
    source: str
    translation: str | None = None
    flags: list[str] = Field(default_factory=list, description="The flags of its translation")


class SummarizeResponse(BaseModel):
    summary: str
    mode: Literal["extractive", "abstractive"]
    sentences: list[SummarySentence] = Field(
        default_factory=list,
        description="Extractive: the selected sentences (index into the cleaned text's "
        "sentences), in document order",
    )
    model: str | None = None
    sentences_used: int = Field(0, description="Source sentences the summary was made from")
    sentences_total: int = Field(0, description="Sentences in the cleaned text")
    flags: list[str] = Field(
        default_factory=list,
        description="What looks wrong with the summary: its own flags (`repetition`, "
        "`empty`, `control`), the flags of the sentences it was made from (`numbers`, ...), "
        "and for an abstractive summary `unsupported_numbers` / `unsupported_names` (it "
        "says a number or name the translated article does not)",
    )
    issues: list[IssueOut] = Field(
        default_factory=list, description="Each flag of the sentences used, and of the summary"
    )

    @classmethod
    def of(cls, result: SummaryResult) -> SummarizeResponse:
        return cls(
            summary=result.summary,
            mode=result.mode,  # type: ignore[arg-type]
            sentences=[
                SummarySentence(
                    index=s.index, source=s.source, translation=s.translation, flags=list(s.flags)
                )
                for s in result.sentences
            ],
            model=result.model,
            sentences_used=result.sentences_used,
            sentences_total=result.sentences_total,
            flags=summary_flag_list(result),
            issues=summary_issue_list(result),
        )


class _TextOrHtml(Request):
    text: str | None = None
    html: str | None = None

    @model_validator(mode="after")
    def _exactly_one(self) -> _TextOrHtml:
        given = [v for v in (self.text, self.html) if v is not None]
        if len(given) != 1:
            raise ValueError("send exactly one of `text` or `html`")
        _not_blank(given[0])
        return self


class CleanRequest(_TextOrHtml):
    pass


class CleanResponse(BaseModel):
    title: str | None = None
    text: str
    removed: list[str] = Field(default_factory=list)
    reasons: list[str] = Field(
        default_factory=list, description="The rule that removed each `removed` entry"
    )
    metadata: dict[str, str | None] = Field(default_factory=dict)

    @classmethod
    def of(cls, cleaned: CleanedText) -> CleanResponse:
        return cls(
            title=cleaned.title,
            text=cleaned.text,
            removed=cleaned.removed,
            reasons=cleaned.reasons,
            metadata=dict(cleaned.metadata),
        )


class ArticleRequest(_TextOrHtml, TermOptions):
    """An article: pasted ``text`` (plain, or with ``format`` its HTML or Markdown body)
    or a whole ``html`` page to clean."""

    title: str | None = None
    mode: Literal["auto", "extractive", "abstractive"] = Field(
        "auto", description="Summary mode, as in /v1/summarize"
    )
    max_sentences: int = Field(3, ge=1, le=20, description="Sentences in an extractive summary")

    @model_validator(mode="after")
    def _format_describes_text(self) -> ArticleRequest:
        if self.html is not None and self.format != "text":
            raise ValueError(
                "`format` describes `text`; a page sent as `html` is cleaned to plain text, "
                "so send its article body as `text` with `format: html`"
            )
        return self


class TitleOut(BaseModel):
    source: str
    translation: str


class ArticleStats(BaseModel):
    sentences: int
    source_chars: int
    seconds: float


class ArticleResponse(BaseModel):
    title: TitleOut | None = None
    translation: str
    summary: str
    summary_mode: Literal["extractive", "abstractive"]
    summary_flags: list[str] = Field(
        default_factory=list,
        description="What looks wrong with the summary, as `flags` of /v1/summarize: its "
        "own, those of the sentences it was made from, and what it says that the article "
        "does not",
    )
    summary_issues: list[IssueOut] = Field(
        default_factory=list, description="Each summary flag with the sentence it comes from"
    )
    segments: list[SegmentOut] = Field(default_factory=list)
    removed: list[str] = Field(default_factory=list)
    metadata: dict[str, str] = Field(default_factory=dict)
    detected_language: str
    stats: ArticleStats

    @classmethod
    def of(cls, result: ArticleResult) -> ArticleResponse:
        title = result.title
        return cls(
            title=TitleOut(source=title.source, translation=title.translation) if title else None,
            translation=result.translation,
            summary=result.summary,
            summary_mode=result.summary_result.mode,  # type: ignore[arg-type]
            summary_flags=summary_flag_list(result.summary_result),
            summary_issues=summary_issue_list(result.summary_result),
            segments=[SegmentOut.of(s) for s in result.segments],
            removed=result.removed,
            metadata=result.metadata,
            detected_language=result.detected_language or "und",
            stats=ArticleStats(**vars(result.stats)),
        )
