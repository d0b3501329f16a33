// Guides, the decision kit, pricing and comparison: the team's numbers from the link's
// fragment, share controls, the buyer's checklist, and anonymised signals. Everything a link
// carries is shown as text (textContent), never as HTML; anything unreadable is left out.
import { readFragment, withFragment } from "./fragment.js";
import { ensureGroup, journeyId, signal } from "./signals.js";
import {} from "./stories.js"; // customer stories matched to the fragment (_stories.html)

// Fragment keys that carry the team's numbers from page to page (the `done` ticks stay on the kit).
const NUMBER_KEY = /^(d|v|b|sz|t|calc|s|[ia]\.[A-Za-z0-9_-]{1,64})$/;
const SLUG = /^[a-z0-9][a-z0-9_-]{0,62}$/;
const VERDICTS = ["fit", "not_now", "not_a_fit"];
// Where the calculator's `resultsFromFragment(params)` may live; a missing module is fine.
const CALCULATOR_MODULES = ["./formula.js", "./calculator.js"];

const guideEl = document.querySelector("[data-guide]");
const role = guideEl ? guideEl.dataset.guide : null;
const isKit = Boolean(document.querySelector("[data-kit]"));

function el(tag, text, cls) {
  const e = document.createElement(tag);
  if (text !== undefined) e.textContent = text;
  if (cls) e.className = cls;
  return e;
}

function own(obj, key) {
  return obj && Object.prototype.hasOwnProperty.call(obj, key) ? obj[key] : undefined;
}

/** This script's words in the page's language: they come with the labels (guides.py). */
function words(labels) {
  return labels.messages;
}

/** The page's words when no labels are at hand (the share panel, the checklist). */
function pageWords() {
  try {
    return words(JSON.parse(document.getElementById("team-numbers").dataset.labels)) || {};
  } catch (e) {
    return {};
  }
}

/** A message with its {name} slots filled in one pass (a filled-in value is never re-read). */
function fill(text, values) {
  return String(text || "").replace(/\{(\w+)\}/g, (slot, key) => {
    const v = own(values, key);
    return v === undefined ? slot : String(v);
  });
}

/** The numbers params of a fragment, without the group, the sender or the checklist. */
function numberParams(params) {
  const out = new URLSearchParams();
  for (const [k, v] of params) if (NUMBER_KEY.test(k)) out.append(k, v);
  return out;
}

/** The diagnostic result in the fragment as rows of [label, text]; and whether any was bad. */
function diagnosticRows(params, labels) {
  const keys = ["d", "v", "b", "t"].filter((k) => params.has(k));
  if (!keys.length) return { rows: [], bad: false };
  const d = params.get("d") || "";
  const diag = SLUG.test(d) ? own(labels.diagnostics, d) : undefined;
  const v = params.get("v");
  if (!diag || !VERDICTS.includes(v)) return { rows: [], bad: true };
  const m = words(labels);
  const rows = [[m.check_taken, diag.title], [m.result, diag.verdicts[v]]];
  let bad = false;
  for (const [key, table, label] of [["b", labels.buckets, m.problem_area],
                                     ["t", labels.triggers, m.urgency]]) {
    if (!params.has(key)) continue;
    const text = own(table, params.get(key));
    if (typeof text === "string") rows.push([label, text]);
    else bad = true;
  }
  return { rows, bad };
}

/** Calculator results from the calculator's own module, or null when it is absent or fails. */
async function calculatorResults(params) {
  if (!params.has("calc")) return null;
  for (const path of CALCULATOR_MODULES) {
    try {
      const mod = await import(path);
      if (typeof mod.resultsFromFragment !== "function") continue;
      const res = await mod.resultsFromFragment(params);
      if (res && typeof res.title === "string" && Array.isArray(res.rows)) {
        const rows = res.rows.filter((r) => r && typeof r.label === "string"
                                            && typeof r.text === "string");
        if (rows.length) return { title: res.title, rows };
      }
      return null;
    } catch (e) {
      /* no calculator module here, or it failed: the guide stays generic */
    }
  }
  return null;
}

/** Fill "Your team's numbers" from the fragment; resolves true when anything was shown. */
async function personalise() {
  const section = document.getElementById("team-numbers");
  if (!section) return false;
  const notice = document.querySelector("[data-numbers-notice]");
  let labels;
  try {
    labels = JSON.parse(section.dataset.labels);
  } catch (e) {
    return false;
  }
  const params = readFragment();
  const diag = diagnosticRows(params, labels);
  const calc = await calculatorResults(params);
  const calcBad = params.has("calc") && !calc;

  const dl = section.querySelector("[data-numbers-diagnostic]");
  const calcBox = section.querySelector("[data-numbers-calc]");
  const from = section.querySelector("[data-numbers-from]");
  dl.replaceChildren();
  calcBox.replaceChildren();
  for (const [label, text] of diag.rows) {
    const row = el("div");
    row.append(el("dt", label), el("dd", text));
    dl.append(row);
  }
  if (calc) {
    calcBox.append(el("h3", calc.title));
    const cdl = el("dl", undefined, "numbers-list");
    for (const r of calc.rows) {
      const row = el("div");
      row.append(el("dt", r.label), el("dd", r.text));
      cdl.append(row);
    }
    calcBox.append(cdl);
  }
  dl.hidden = diag.rows.length === 0;
  const shown = diag.rows.length > 0 || Boolean(calc);
  const sender = params.get("from");
  const senderName = sender && SLUG.test(sender) ? own(labels.roles, sender) : undefined;
  from.hidden = !(shown && typeof senderName === "string");
  if (!from.hidden) from.textContent = fill(words(labels).shared_from, { name: senderName });
  section.hidden = !shown;

  if (notice) {
    const bad = diag.bad || calcBad;
    notice.hidden = !bad;
    notice.textContent = !bad ? "" : shown ? words(labels).some_unread : words(labels).none_read;
  }
  return shown;
}

/** Links to other guides keep the team's numbers (and group) as the reader moves around. */
function carryLinks() {
  const params = readFragment();
  const carried = numberParams(params);
  const g = params.get("g");
  if (g) carried.set("g", g);
  if (params.has("from")) carried.set("from", params.get("from"));
  carried.set("j", journeyId());  // the reader's own onward path, never in a share link
  for (const a of document.querySelectorAll("a[data-carry]")) {
    a.href = withFragment(a.getAttribute("href"), carried);
  }
}

// ---- sharing ---------------------------------------------------------------------------

function setupShare() {
  const box = document.querySelector("[data-share]");
  if (!box) return;
  const select = box.querySelector("#share-what");
  const copyBtn = box.querySelector("[data-share-copy]");
  const email = box.querySelector("[data-share-email]");
  const nativeBtn = box.querySelector("[data-share-native]");
  const printBtn = box.querySelector("[data-share-print]");
  const fallback = box.querySelector("[data-share-fallback]");
  const linkInput = box.querySelector("[data-share-link]");
  const status = box.querySelector("[data-share-status]");
  const m = pageWords();
  const fromRole = box.dataset.from || null;

  box.querySelector("[data-share-target]").hidden = false;
  box.querySelector("[data-share-nojs]").hidden = true;
  copyBtn.hidden = false;
  printBtn.hidden = false;
  nativeBtn.hidden = typeof navigator.share !== "function";

  function target() {
    const opt = select.options[select.selectedIndex];
    return { value: opt.value, url: opt.dataset.url, name: opt.dataset.name,
             title: opt.dataset.title };
  }

  /** The link for the chosen guide: our numbers, the buying group, and who shared it. */
  function link() {
    const t = target();
    const params = readFragment();
    const out = numberParams(params);
    if (t.value === "kit" && params.has("done")) out.set("done", params.get("done"));
    out.set("g", ensureGroup());
    if (fromRole) out.set("from", fromRole);
    return withFragment(new URL(t.url, location.href).href, out);
  }

  function draft(url) {
    const t = target();
    const values = { name: t.name, title: t.title, url };
    if (t.value === "kit") return [fill(m.kit_subject, values), fill(m.kit_body, values)];
    return [fill(m.guide_subject, values), fill(m.guide_body, values)];
  }

  function refreshEmail() {
    const [subject, body] = draft(link());
    email.href = `mailto:?subject=${encodeURIComponent(subject)}&body=${encodeURIComponent(body)}`;
  }

  function shared(means) {
    signal("guide_shared", target().value, { from_role: fromRole, means });
  }

  function say(text) {
    status.textContent = "";
    // A fresh text node each time, so a screen reader announces a repeated message too.
    requestAnimationFrame(() => { status.textContent = text; });
  }

  select.addEventListener("change", () => {
    fallback.hidden = true;
    status.textContent = "";
  });
  for (const ev of ["focus", "pointerdown"]) email.addEventListener(ev, refreshEmail);
  email.addEventListener("click", () => { refreshEmail(); shared("email"); });

  copyBtn.addEventListener("click", async () => {
    const url = link();
    linkInput.value = url;
    try {
      if (!navigator.clipboard || !window.isSecureContext) throw new Error("no clipboard");
      await navigator.clipboard.writeText(url);
      fallback.hidden = true;
      say(m.copied);
    } catch (e) {
      fallback.hidden = false;
      linkInput.focus();
      linkInput.select();
      say(m.copy_by_hand);
    }
    shared("copy");
  });

  nativeBtn.addEventListener("click", async () => {
    const t = target();
    try {
      await navigator.share({ title: t.title, text: draft("")[0], url: link() });
      shared("share_sheet");
    } catch (e) {
      /* the buyer closed the share sheet: nothing was shared */
    }
  });

  printBtn.addEventListener("click", () => {
    shared("print");
    window.print();
  });
}

// ---- the buyer's checklist (kit) -----------------------------------------------------------

function setupChecklist() {
  const boxes = [...document.querySelectorAll("input[data-done]")];
  if (!boxes.length) return;
  const known = new Set(boxes.map((b) => b.value));
  const status = document.querySelector("[data-checklist-status]");
  const m = pageWords();

  function load() {
    const done = new Set((readFragment().get("done") || "").split(",")
      .filter((v) => known.has(v)));
    for (const b of boxes) b.checked = done.has(b.value);
    status.textContent = fill(m.done, { n: done.size, total: boxes.length });
  }

  function save() {
    const params = readFragment();
    const done = boxes.filter((b) => b.checked).map((b) => b.value);
    if (done.length) params.set("done", done.join(","));
    else params.delete("done");
    history.replaceState(null, "", withFragment(location.href, params));
    status.textContent = fill(m.done_kept, { n: done.length, total: boxes.length });
  }

  load();
  for (const b of boxes) b.addEventListener("change", save);
  const print = document.querySelector("[data-print-checklist]");
  if (print) {
    print.hidden = false;
    print.addEventListener("click", () => window.print());
  }
  window.addEventListener("hashchange", load);
}

// ---- next steps and requests -------------------------------------------------------------

function setupContact() {
  for (const box of document.querySelectorAll("[data-contact]")) {
    let kinds = {};
    try {
      kinds = JSON.parse(box.dataset.kinds);
    } catch (e) {
      /* no kinds: clicks are simply not counted */
    }
    box.addEventListener("click", (ev) => {
      const a = ev.target.closest("a");
      const option = a ? own(kinds, a.getAttribute("href")) : undefined;
      if (option) signal("next_step_chosen", box.dataset.page, { option }, { beacon: true });
    });
  }
  for (const a of document.querySelectorAll("a[data-request-signal]")) {
    a.addEventListener("click", () => {
      signal(a.dataset.requestSignal, role || "security", {}, { beacon: true });
    });
  }
}

async function start() {
  carryLinks();
  setupShare();
  setupChecklist();
  setupContact();
  const personalised = await personalise();
  window.addEventListener("hashchange", () => { carryLinks(); personalise(); });
  if (role) signal("guide_viewed", role, { personalised });
  else if (isKit) signal("kit_opened", "kit", {});
  document.documentElement.dataset.guideReady = "true";
}

start();
