// The search page, enhanced: every change asks the server for the same URL with `X-Fragment`
// (rendered by the same templates as a full load) and swaps it in; the URL always holds the state.
import { attachTypeahead } from "./typeahead.js";

const form = document.getElementById("search-form");
const body = document.getElementById("search-body");
let latest = 0; // answers to older requests than the newest one are dropped

document.documentElement.classList.add("js");
// Filters start folded (a phone shows results first); a wide screen unfolds them.
const filters = () => document.getElementById("filters");
if (filters() && matchMedia("(min-width: 48em)").matches) filters().open = true;

function stateUrl() {
  const params = new URLSearchParams();
  for (const [name, value] of new FormData(form)) {
    if (String(value).trim() !== "") params.append(name, value);
  }
  const query = params.toString();
  // The form's own page: "/" or a dealer's page, whose inventory is the same search.
  const base = new URL(form.action, location.href).pathname;
  return query ? `${base}?${query}` : base;
}

async function fragment(url, kind) {
  // Throws when the network is gone or the server failed; a 400 is a page that names the bad parameter.
  const response = await fetch(url, { headers: { "X-Fragment": kind }, credentials: "same-origin" });
  if (!response.ok && response.status !== 400) throw new Error(`${response.status} for ${url}`);
  return response.text();
}

// While an answer is awaited the results are dimmed (aria-busy) and, past a moment, say so; when
// none comes the boxes go back to what the results on screen show, and the error offers a retry.
const loading = document.getElementById("search-loading");
const failure = document.getElementById("search-error");
let loadingTimer = 0;

function busy(on) {
  clearTimeout(loadingTimer);
  if (on) {
    body.setAttribute("aria-busy", "true");
    loadingTimer = setTimeout(() => (loading.hidden = false), 300);
  } else {
    body.removeAttribute("aria-busy");
    loading.hidden = true;
  }
}

function tickAs(url) {
  const params = new URLSearchParams(new URL(url, location.href).search);
  for (const element of form.elements) {
    if (element.type === "checkbox") element.checked = params.getAll(element.name).includes(element.value);
  }
}

function failed(retry) {
  failure.hidden = false;
  failure.querySelector("button").onclick = () => {
    failure.hidden = true;
    retry();
  };
}

function focusKey(element) {
  return element && element.name ? `${element.name}\u0000${element.value}` : null;
}

function restoreFocus(key) {
  if (!key) return;
  const [name, value] = key.split("\u0000");
  for (const element of form.elements) {
    if (element.name === name && (element.type !== "checkbox" || element.value === value)) {
      element.focus({ preventScroll: true });
      return;
    }
  }
}

function foldState() {
  // The filters' place survives a swap: open or not, scrolled where the buyer was, "show more" open.
  const sheet = filters();
  if (!sheet) return () => {};
  const open = sheet.open;
  const scroll = sheet.scrollTop;
  const more = [...sheet.querySelectorAll("[data-facet] > details.more[open]")].map((d) => d.parentElement.dataset.facet);
  return () => {
    const now = filters();
    if (!now) return;
    now.open = open;
    for (const facet of more) {
      const details = now.querySelector(`[data-facet="${facet}"] > details.more`);
      if (details) details.open = true;
    }
    now.scrollTop = scroll;
  };
}

async function show(url, { push = true } = {}) {
  const ticket = ++latest;
  const key = focusKey(document.activeElement);
  failure.hidden = true;
  busy(true);
  let html;
  try {
    html = await fragment(url, "results");
  } catch {
    if (ticket !== latest) return false;
    busy(false);
    tickAs(location.href); // never a ticked box over results that do not have it
    failed(() => {
      tickAs(url);
      show(url, { push });
    });
    return false;
  }
  if (ticket !== latest) return false;
  const restore = foldState();
  body.innerHTML = html;
  restore();
  busy(false);
  if (push && url !== location.pathname + location.search) history.pushState({ url }, "", url);
  restoreFocus(key);
  return true;
}

const phone = () => !matchMedia("(min-width: 48em)").matches;

function toResults() {
  // On a phone the results are below the fold: move there (and close the keyboard).
  const title = document.getElementById("results-title");
  if (title) title.focus();
}

function syncControls() {
  // After back/forward: the controls outside the swapped part follow the URL too.
  const params = new URLSearchParams(location.search);
  form.elements.q.value = params.get("q") || "";
  form.elements.sort.value = params.get("sort") || "";
  if (params.get("currency")) form.elements.currency.value = params.get("currency");
  currency = form.elements.currency.value;
}

const rates = JSON.parse(document.getElementById("currency-rates").textContent);
let currency = form.elements.currency.value;

function convertPriceRange(to) {
  // A typed price range means the same money in the new currency.
  for (const name of ["price_min", "price_max"]) {
    const input = form.elements[name];
    if (input && input.value !== "" && rates[currency] && rates[to]) {
      input.value = String(Math.round((Number(input.value) / rates[currency]) * rates[to]));
    }
  }
  currency = to;
}

form.addEventListener("change", (event) => {
  if (event.target.id === "q") return; // the text is searched on submit or by picking a suggestion
  // A new port shows its prices in its own currency, and changes the page around the results (its
  // sorts): set the currency and load the page whole.
  if (event.target.name === "port") {
    const own = event.target.selectedOptions[0]?.dataset.currency;
    const select = form.elements.namedItem("currency");
    if (own && select && [...select.options].some((option) => option.value === own)) select.value = own;
    return window.location.assign(stateUrl());
  }
  if (event.target.name === "currency") convertPriceRange(event.target.value);
  show(stateUrl());
});
form.addEventListener("submit", async (event) => {
  event.preventDefault();
  const sheet = filters();
  const fromSheet = event.submitter?.classList.contains("apply");
  if (fromSheet && sheet) sheet.open = false;
  const url = stateUrl();
  const shown = url === location.pathname + location.search || (await show(url));
  if (shown && (fromSheet || phone())) toResults();
});
body.addEventListener("click", async (event) => {
  const link = event.target.closest("a[data-state]");
  if (link) {
    event.preventDefault();
    const url = new URL(link.href);
    await show(url.pathname + url.search);
    syncControls();
    return;
  }
  const more = event.target.closest("#load-more");
  if (more) {
    event.preventDefault();
    more.setAttribute("aria-busy", "true");
    const holder = document.createElement("div");
    try {
      holder.innerHTML = await fragment(more.href, "more");
    } catch {
      more.removeAttribute("aria-busy");
      failed(() => more.click());
      return;
    }
    const list = document.getElementById("result-list");
    const first = holder.querySelector("li");
    list.append(...holder.querySelectorAll("ol > li"));
    const next = holder.querySelector("#load-more");
    if (next) more.replaceWith(next);
    else more.remove();
    // The URL says how many pages are shown (not the cursor): a reload or a shared link shows them all.
    const shown = new URL(more.href);
    shown.searchParams.delete("cursor");
    history.replaceState({ url: shown.pathname + shown.search }, "", shown.pathname + shown.search);
    if (first) first.querySelector("a").focus({ preventScroll: true });
  }
});
window.addEventListener("popstate", async () => {
  syncControls();
  await show(location.pathname + location.search, { push: false });
});

// The language form sends the buyer back to `next`: the state now in the URL, not the first page's.
const language = document.querySelector("form.language");
language?.addEventListener("submit", () => {
  language.elements.next.value = location.pathname + location.search;
});

attachTypeahead(form.elements.q, document.getElementById("q-options"), {
  pick(suggestion) {
    const params = new URLSearchParams(stateUrl().slice(2));
    params.delete("q");
    if (suggestion.kind === "vehicle") {
      location.href = `/vehicles/${suggestion.id}/`;
      return;
    }
    if (suggestion.kind === "query") {
      params.set("q", suggestion.text);
    } else {
      if (!params.getAll("make").includes(suggestion.make)) params.append("make", suggestion.make);
      if (suggestion.model && !params.getAll("model").includes(suggestion.model)) params.append("model", suggestion.model);
    }
    form.elements.q.value = params.get("q") || "";
    show(`/?${params}`);
  },
});
