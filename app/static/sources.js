// The Sources view: lists GET /v1/feeds and the newest GET /v1/articles, adds a source
// with POST /v1/feeds. Text is only ever set as textContent, never as markup.
"use strict";

const $ = (id) => document.getElementById(id);

function headers(json) {
  const result = json ? { "Content-Type": "application/json" } : {};
  const key = $("api-key").value.trim();
  if (key) result.Authorization = "Bearer " + key;
  return result;
}

function cell(row, text) {
  const td = document.createElement("td");
  td.textContent = text === null || text === undefined ? "" : String(text);
  row.appendChild(td);
}

async function getJson(path) {
  const response = await fetch(path, { headers: headers(false) });
  const body = await response.json();
  if (!response.ok) throw new Error(body.error ? body.error.message : response.statusText);
  return body;
}

function showSources(feeds) {
  const body = $("sources").querySelector("tbody");
  body.replaceChildren();
  for (const feed of feeds) {
    const row = document.createElement("tr");
    cell(row, feed.name);
    cell(row, feed.kind);
    cell(row, feed.last_polled_at ? new Date(feed.last_polled_at).toLocaleString() : "not yet");
    cell(row, feed.articles);
    cell(row, feed.last_error ? feed.last_error.message : "");
    body.appendChild(row);
  }
}

function showHeadlines(articles) {
  const list = $("headlines");
  list.replaceChildren();
  for (const article of articles) {
    const item = document.createElement("li");
    const link = document.createElement("a");
    link.href = article.url.startsWith("http") ? article.url : "#";
    link.rel = "noopener noreferrer";
    link.textContent = article.title.translation || article.title.source || article.url;
    const outlet = document.createElement("span");
    outlet.className = "hint";
    const copy = article.duplicate_of ? " (copy of an earlier story)" : "";
    outlet.textContent = " — " + article.outlet + copy;
    item.append(link, outlet);
    list.appendChild(item);
  }
}

async function refresh() {
  try {
    const [feeds, articles] = await Promise.all([
      getJson("/v1/feeds"),
      getJson("/v1/articles?limit=20"),
    ]);
    showSources(feeds.feeds);
    showHeadlines(articles.articles);
    $("status").textContent = "";
  } catch (error) {
    $("status").textContent = "Could not load the sources: " + error.message;
  }
}

async function follow(event) {
  event.preventDefault();
  const url = $("url").value.trim();
  if (!url) return;
  $("status").textContent = "Checking " + url + "…";
  const response = await fetch("/v1/feeds", {
    method: "POST",
    headers: headers(true),
    body: JSON.stringify({ url }),
  });
  const body = await response.json();
  $("status").textContent = response.ok
    ? "Following " + body.name + "."
    : "Not added: " + (body.error ? body.error.message : response.statusText);
  if (response.ok) $("url").value = "";
  await refresh();
}

$("source-form").addEventListener("submit", follow);
$("refresh").addEventListener("click", refresh);
$("api-key").addEventListener("change", refresh);
refresh();
setInterval(refresh, 30000);
