// Warta's web page. Everything the server returns is inserted with textContent:
// model output and article text are data, never markup.
"use strict";

const $ = (id) => document.getElementById(id);
const copyTexts = { source: "", translation: "", summary: "" };

function el(tag, text, className) {
  const node = document.createElement(tag);
  if (text !== undefined) node.textContent = text;
  if (className) node.className = className;
  return node;
}

function setStatus(text) {
  $("status").textContent = text;
}

function showError(text) {
  const box = $("error");
  box.textContent = text;
  box.hidden = !text;
}

// The error body is {"error": {"code", "message"}}; anything else still gets a clear line.
async function errorText(response) {
  let detail = response.statusText || "request failed";
  try {
    const body = await response.json();
    if (body && body.error && body.error.message) {
      detail = body.error.message + " (" + body.error.code + ")";
    }
  } catch (ignored) {
    // Not JSON (a proxy page, for example): keep the status text.
  }
  const retry = response.headers.get("Retry-After");
  const wait = retry ? " Try again in " + retry + " s." : "";
  return "Error " + response.status + ": " + detail + wait;
}

function requestBody() {
  const text = $("text").value;
  const body = $("is-html").checked ? { html: text } : { text: text };
  const title = $("title").value.trim();
  if (title && !$("is-html").checked) body.title = title;
  const glossary = $("glossary").value;
  if (glossary) body.glossary_id = glossary;
  return body;
}

function headers() {
  const result = { "Content-Type": "application/json", Accept: "application/json" };
  const key = $("api-key").value.trim();
  if (key) result.Authorization = "Bearer " + key;
  return result;
}

// The picker lists the stored glossaries this key can use; the choice survives a reload
// of the list when that glossary is still there.
async function loadGlossaries() {
  const picker = $("glossary");
  const chosen = picker.value;
  const none = el("option", "None");
  none.value = "";
  try {
    const response = await fetch("/v1/glossaries", { headers: headers() });
    if (!response.ok) {
      const reason = response.status === 401 ? "enter the API key to list glossaries" : "unavailable";
      const note = el("option", "(" + reason + ")");
      note.disabled = true;
      picker.replaceChildren(none, note);
      return;
    }
    const body = await response.json();
    const glossaries = Array.isArray(body.glossaries) ? body.glossaries : [];
    picker.replaceChildren(none, ...glossaries.map((glossary) => {
      const option = el("option", glossary.name + " (" + glossary.entry_count + " terms)");
      option.value = glossary.id;
      return option;
    }));
    if (glossaries.some((glossary) => glossary.id === chosen)) picker.value = chosen;
  } catch (ignored) {
    picker.replaceChildren(none);
  }
}

// A model whose licence forbids commercial use is named at the top of the page, so nobody
// uses this server's translations commercially without knowing.
async function showLicenceWarning() {
  const note = $("licence-warning");
  try {
    const response = await fetch("/v1/models", { headers: headers() });
    if (!response.ok) return;
    const body = await response.json();
    const restricted = (body.models || []).filter((model) => model.non_commercial);
    note.textContent = restricted.map((model) => "Non-commercial licence: the " + model.role +
      " model " + model.name + " is published under " + model.licence +
      "; its output may not be used commercially.").join(" ");
    note.hidden = restricted.length === 0;
  } catch (ignored) {
    note.hidden = true;
  }
}

// The glossary entries applied anywhere in the article, each once, in order of use.
function appliedTerms(segments) {
  const seen = new Map();
  segments.forEach((segment) => {
    (Array.isArray(segment.terms) ? segment.terms : []).forEach((term) => {
      const key = term.source + "\u0000" + term.target;
      if (!seen.has(key)) seen.set(key, term);
    });
  });
  return [...seen.values()];
}

function renderTerms(segments) {
  const terms = appliedTerms(segments);
  $("terms").replaceChildren(...terms.map((term) => el("li", term.source + " → " + term.target)));
  $("terms-heading").textContent = "Glossary terms applied (" + terms.length + ")";
}

// Flags that describe what was done rather than what went wrong.
const NOTES = new Set(["kept_english"]);
// Spans Warta always keeps verbatim: URLs, e-mail addresses, @mentions, #hashtags.
const PROTECTED = /(https?:\/\/[^\s<>"]+[^\s<>".,;:!?)]|[\w.+-]+@[\w-]+(?:\.[\w-]+)+|(?<![\w@])[@#][\w.]*\w)/g;

function problems(segment) {
  const issues = Array.isArray(segment.issues) ? segment.issues : [];
  return issues.filter((issue) => !NOTES.has(issue.flag));
}

function isKept(segment) {
  return Array.isArray(segment.flags) && segment.flags.includes("kept_english");
}

// The sentence's text with glossary targets and protected spans marked; all as text nodes.
function decorated(text, terms) {
  const marks = [];
  (Array.isArray(terms) ? terms : []).forEach((term) => {
    let at = text.indexOf(term.target);
    while (term.target && at !== -1) {
      marks.push({ start: at, end: at + term.target.length, kind: "term",
        title: "Glossary: " + term.source + " → " + term.target });
      at = text.indexOf(term.target, at + term.target.length);
    }
  });
  for (const match of text.matchAll(PROTECTED)) {
    marks.push({ start: match.index, end: match.index + match[0].length, kind: "protected",
      title: "Kept verbatim" });
  }
  marks.sort((a, b) => a.start - b.start || b.end - a.end);
  const nodes = [];
  let position = 0;
  marks.forEach((mark) => {
    if (mark.start < position) return;  // overlapping: the earlier, longer mark wins
    if (mark.start > position) nodes.push(document.createTextNode(text.slice(position, mark.start)));
    const node = el("mark", text.slice(mark.start, mark.end), mark.kind);
    node.title = mark.title;
    nodes.push(node);
    position = mark.end;
  });
  if (position < text.length) nodes.push(document.createTextNode(text.slice(position)));
  return nodes;
}

// A flagged sentence: its reasons in words, always visible; its source on click.
function issueNote(segment, issues) {
  const note = el("span", undefined, "issue-note");
  note.append(el("span", "⚠ " + issues.map((issue) => issue.message).join("; "), "issue-text"));
  const source = el("span", "Source: " + segment.source, "issue-source");
  source.lang = "id";
  source.hidden = true;
  note.append(source);
  return note;
}

function markSegment(span, segment) {
  const issues = problems(segment);
  if (issues.length) {
    span.classList.add("flagged");
    span.title = issues.map((issue) => issue.message).join("\n") + "\nSource: " + segment.source;
    const note = issueNote(segment, issues);
    span.append(" ", note);
    span.addEventListener("click", () => {
      const source = note.querySelector(".issue-source");
      source.hidden = !source.hidden;
    });
  } else if (isKept(segment)) {
    span.classList.add("kept");
    span.title = "Kept as written: this sentence is already English";
  }
}

// Source and translation sentences share an index, so hovering one lights up both.
function highlight(index, on) {
  document.querySelectorAll('.seg[data-seg="' + index + '"]').forEach((node) => {
    node.classList.toggle("hl", on);
  });
}

function segmentSpan(text, index) {
  const span = el("span", text, "seg");
  span.dataset.seg = String(index);
  span.tabIndex = 0;
  span.addEventListener("mouseenter", () => highlight(index, true));
  span.addEventListener("mouseleave", () => highlight(index, false));
  span.addEventListener("focus", () => highlight(index, true));
  span.addEventListener("blur", () => highlight(index, false));
  return span;
}

// One <p> per source paragraph, one span per sentence; returns the plain text for copying.
// In the translation, flagged sentences are marked and glossary terms highlighted.
function renderSegments(container, segments, field) {
  container.replaceChildren();
  const paragraphs = [];
  let current = null;
  let currentIndex = null;
  segments.forEach((segment, index) => {
    if (current === null || segment.paragraph !== currentIndex) {
      current = el("p");
      currentIndex = segment.paragraph;
      container.append(current);
      paragraphs.push([]);
    }
    if (current.childNodes.length) current.append(" ");
    const span = segmentSpan(segment[field], index);
    if (field === "translation") {
      span.replaceChildren(...decorated(segment.translation, segment.terms));
      markSegment(span, segment);
    }
    current.append(span);
    paragraphs[paragraphs.length - 1].push(segment[field]);
  });
  return paragraphs.map((sentences) => sentences.join(" ")).join("\n\n");
}

function renderTitle(result) {
  const title = result.title || { source: "", translation: "" };
  $("source-title").textContent = title.source || "";
  $("translation-title").textContent = title.translation || "";
  return title;
}

function withTitle(title, text) {
  return title ? title + "\n\n" + text : text;
}

// The summary, with each sentence that carries a flag marked as in the translation,
// and what an abstractive summary says that the article does not.
function renderSummary(result, segments) {
  const box = $("summary");
  const summary = result.summary || "";
  const issues = Array.isArray(result.summary_issues) ? result.summary_issues : [];
  const shown = issues.filter((issue) => !NOTES.has(issue.flag));
  box.replaceChildren();
  let position = 0;
  const bySentence = new Map();
  shown.filter((issue) => issue.sentence !== null && issue.sentence !== undefined)
    .forEach((issue) => bySentence.set(issue.sentence, [...(bySentence.get(issue.sentence) || []), issue]));
  [...bySentence.keys()].sort((a, b) => a - b).forEach((index) => {
    const segment = segments[index];
    const at = segment ? summary.indexOf(segment.translation, position) : -1;
    if (at === -1) return;
    box.append(summary.slice(position, at));
    const span = segmentSpan(segment.translation, index);
    span.classList.add("flagged");
    span.title = bySentence.get(index).map((issue) => issue.message).join("\n") + "\nSource: " + segment.source;
    span.append(" ", issueNote(segment, bySentence.get(index)));
    box.append(span);
    position = at + segment.translation.length;
  });
  box.append(summary.slice(position));
  const whole = shown.filter((issue) => issue.sentence === null || issue.sentence === undefined);
  if (whole.length) {
    box.classList.add("flagged-summary");
    box.append(" ", el("span", "⚠ " + whole.map((issue) => issue.message).join("; "), "issue-note"));
  } else {
    box.classList.remove("flagged-summary");
  }
  return shown.length;
}

function renderFlagCount(flagged, summaryFlags) {
  const banner = $("flags");
  if (!flagged && !summaryFlags) {
    banner.hidden = true;
    banner.textContent = "";
    return;
  }
  const parts = [];
  if (flagged) parts.push(flagged + (flagged === 1 ? " sentence" : " sentences") + " of the translation");
  if (summaryFlags) parts.push("the summary");
  const count = el("span", String(flagged + (summaryFlags ? 1 : 0)));
  count.id = "flag-count";
  banner.replaceChildren(
    el("strong", "⚠ "),
    count,
    el("strong", " to check before publishing: "),
    document.createTextNode(parts.join(" and ") + " may be wrong. The marked sentences say why; click one to see its source."),
  );
  banner.hidden = false;
}

function render(result) {
  const segments = Array.isArray(result.segments) ? result.segments : [];
  const title = renderTitle(result);
  const source = renderSegments($("source"), segments, "source");
  const translated = renderSegments($("translation"), segments, "translation");
  if (!segments.length) $("translation").append(el("p", result.translation || ""));
  const summaryFlags = renderSummary(result, segments);
  renderFlagCount(segments.filter((segment) => problems(segment).length).length, summaryFlags);
  copyTexts.source = withTitle(title.source, source);
  copyTexts.translation = withTitle(title.translation, segments.length ? translated : result.translation || "");
  copyTexts.summary = result.summary || "";

  renderTerms(segments);
  const removed = Array.isArray(result.removed) ? result.removed : [];
  $("removed").replaceChildren(...removed.map((item) => el("li", item)));
  $("removed-heading").textContent = "Removed (" + removed.length + ")";

  const stats = result.stats || {};
  const parts = ["Language: " + (result.detected_language || "?")];
  if (stats.sentences !== undefined) parts.push(stats.sentences + " sentences");
  if (stats.seconds !== undefined) parts.push(Number(stats.seconds).toFixed(2) + " s");
  $("stats").textContent = parts.join(" · ");
  $("results").hidden = false;
}

async function submit(event) {
  event.preventDefault();
  showError("");
  if (!$("text").value.trim()) {
    showError("Paste the article text first.");
    return;
  }
  $("submit").disabled = true;
  setStatus("Translating…");
  try {
    const response = await fetch("/v1/articles", {
      method: "POST",
      headers: headers(),
      body: JSON.stringify(requestBody()),
    });
    if (!response.ok) {
      showError(await errorText(response));
      setStatus("");
      return;
    }
    render(await response.json());
    setStatus("Done.");
  } catch (error) {
    showError("Could not reach the server: " + error.message);
    setStatus("");
  } finally {
    $("submit").disabled = false;
  }
}

// navigator.clipboard needs a secure context (https or localhost); fall back to a selection.
async function copy(text, button) {
  try {
    await navigator.clipboard.writeText(text);
  } catch (ignored) {
    const area = el("textarea");
    area.value = text;
    document.body.append(area);
    area.select();
    document.execCommand("copy");
    area.remove();
  }
  const label = button.textContent;
  button.textContent = "Copied";
  setTimeout(() => { button.textContent = label; }, 1500);
}

document.addEventListener("DOMContentLoaded", () => {
  $("article-form").addEventListener("submit", submit);
  document.querySelectorAll("button.copy").forEach((button) => {
    button.addEventListener("click", () => copy(copyTexts[button.dataset.copy], button));
  });
  $("is-html").addEventListener("change", () => {
    $("title").disabled = $("is-html").checked;
  });
  $("api-key").addEventListener("change", loadGlossaries);
  $("api-key").addEventListener("change", showLicenceWarning);
  loadGlossaries();
  showLicenceWarning();
});
