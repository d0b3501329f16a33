// The calculator page, enhanced: live results as the prospect types, the chart and table
// redrawn, a share link whose fragment carries the numbers, one anonymised signal per page
// view (payback band and scenario only). The page works without this module: the server
// computes the same form (GET).
import {
  breakevenText, checkValue, compute, fields as fieldsOf, formatValue, loadSpec, localize,
  machine, outputText, paybackBand, readParams, scenarioLabel, shareParams, SCENARIOS,
} from "./formula.js";
import { readFragment, withFragment } from "./fragment.js";
import { ensureGroup, journeyId, signal } from "./signals.js";
import {} from "./stories.js"; // customer stories matched to the fragment (_stories.html)

const SVG = "http://www.w3.org/2000/svg";
const RIGHT = 16, TOP = 16, BOTTOM = 40;

const form = document.querySelector("form[data-calculator]");
const $ = (id) => document.getElementById(id);
let spec = null;
let signalled = false;
let statusTimer = null;
let lastResult = null;

function control(key) {
  return form.elements.namedItem(key);
}

function showError(f, prefix, message) {
  const id = `f-${prefix}-${f.id}`;
  const input = $(id);
  const box = $(id + "-error");
  box.querySelector(".msg").textContent = message || "";
  box.hidden = !message;
  input.closest(".calc-field").classList.toggle("has-error", Boolean(message));
  if (message) input.setAttribute("aria-invalid", "true");
  else input.removeAttribute("aria-invalid");
  const described = [$(id + "-help") && id + "-help", message && id + "-error"].filter(Boolean).join(" ");
  if (described) input.setAttribute("aria-describedby", described);
  else input.removeAttribute("aria-describedby");
}

/** Read every field as the server does, in the page's language: values, their machine form
 *  (for the link) and the fields with a problem. */
function readForm() {
  const values = new Map();
  const machines = new Map();
  const bad = new Set();
  for (const [key, f] of fieldsOf(spec)) {
    const checked = checkValue(control(key).value, f, spec.locale);
    showError(f, key[0], checked.error);
    if (checked.error) bad.add(f.id);
    else machines.set(key, checked.machine);
    // A bad field's default stands in (never shown): only what reads it is held back.
    values.set(f.id, checked.error ? f.value : checked.value);
  }
  const checkedScenario = form.querySelector('input[name="s"]:checked');
  const scenario = checkedScenario && SCENARIOS.includes(checkedScenario.value) ? checkedScenario.value : "expected";
  return { values, machine: machines, scenario, errors: bad.size, bad };
}

/** Outputs and series that read a bad field (the server lists what each reads): their fields. */
function needsOf(bad) {
  return new Map(Object.entries(spec.reads).map(([k, v]) => [k, v.filter((f) => bad.has(f))])
    .filter(([, v]) => v.length));
}

function blockedText(fields) {
  const labels = new Map(fieldsOf(spec).map(([, f]) => [f.id, f.label]));
  return spec.messages.blocked.replace("{fields}", () => fields.map((f) => labels.get(f)).join(", "));
}

function svg(name, attrs, parent) {
  const el = name.nodeType ? name : document.createElementNS(SVG, name);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  if (parent) parent.appendChild(el);
  return el;
}

function niceStep(span) {
  if (!(span > 0) || !Number.isFinite(span)) return 1;
  const raw = span / 4;
  const mag = Math.pow(10, Math.floor(Math.log10(raw)));
  for (const m of [1, 2, 5, 10]) if (raw <= m * mag) return m * mag;
  return 10 * mag;
}

/** Draw each projection chart at its box's own width (1 SVG unit = 1 CSS pixel, so the
 *  12 px labels stay 12 px on a phone): the same scale rules as site/buyerkit/pages/chart.py. */
function drawCharts(result) {
  const p = spec.projection;
  const rows = result.rows, n = rows.length;
  for (const fig of document.querySelectorAll("figure[data-chart]")) {
    const series = fig.dataset.series.split(" ").map((id) => p.series.find((x) => x.id === id));
    const chart = fig.querySelector(".chart-box svg");
    const W = Math.max(240, fig.querySelector(".chart-box").clientWidth || 640);
    const H = Math.round(Math.min(320, Math.max(220, W * 0.55)));
    const values = [0, ...rows.flatMap((r) => series.map((x) => r.get(x.id)))].filter(Number.isFinite);
    let lo = Math.min(...values), hi = Math.max(...values);
    const step = niceStep(hi - lo);
    lo = Math.floor(lo / step) * step;
    hi = Math.max(Math.ceil(hi / step) * step, lo + step);
    const ticks = [];
    for (let v = lo; v <= hi + step / 2; v += step) ticks.push([v, formatValue(v, series[0].format, spec.currency)]);
    const LEFT = Math.round(12 + 7.4 * Math.max(...ticks.map((t) => t[1].length)));
    const w = W - LEFT - RIGHT, h = H - TOP - BOTTOM;
    const x = (m) => (LEFT + (m - 1) * w / Math.max(n - 1, 1)).toFixed(1);
    const y = (v) => (TOP + (hi - v) * h / (hi - lo)).toFixed(1);
    chart.replaceChildren(chart.querySelector("title"));
    svg(chart, { viewBox: `0 0 ${W} ${H}`, width: W, height: H, "data-fit": "true" });
    const grid = svg("g", { class: "grid" }, chart);
    for (const [v, label] of ticks) {
      svg("line", { x1: LEFT, x2: W - RIGHT, y1: y(v), y2: y(v), class: Math.abs(v) < step / 2 ? "zero" : "" }, grid);
      svg("text", { x: LEFT - 6, y: Number(y(v)) + 4, class: "ylabel" }, grid).textContent = label;
    }
    const every = n > 12 ? 6 : n > 6 ? 3 : 1;
    for (let m = 1; m <= n; m++) {
      if (m === 1 || m % every === 0) svg("text", { x: x(m), y: H - BOTTOM + 18, class: "xlabel" }, grid).textContent = m;
    }
    svg("text", { x: (LEFT + W - RIGHT) / 2, y: H - BOTTOM + 36, class: "xlabel" }, grid).textContent = spec.messages.month;
    if (result.breakeven !== null && series.some((s) => s.id === p.breakeven)) {
      const bx = x(result.breakeven);
      svg("line", { class: "breakeven-mark", x1: bx, x2: bx, y1: TOP, y2: H - BOTTOM }, chart);
    }
    series.forEach((s, i) => svg("polyline", {
      class: `line line-${Number(fig.dataset.start) + i}`,
      points: rows.flatMap((r, m) => (Number.isFinite(r.get(s.id)) ? [`${x(m + 1)},${y(r.get(s.id))}`] : [])).join(" "),
    }, chart));
  }
}

/** The answer the page leads with, cautious case first, then the range. */
function headline(read, needs, results) {
  const value = document.querySelector("[data-headline]");
  if (!value) return;
  const key = spec.headline;
  const range = document.querySelector("[data-headline-range]");
  const blockedBy = needs.get(key || spec.projection.breakeven);
  value.classList.toggle("blocked", Boolean(blockedBy));
  const cases = Object.entries(results).map(([name, r]) => {
    const text = key ? outputText(spec, spec.outputs.find((o) => o.id === key), r.outputs.get(key)) : breakevenText(spec, r);
    return spec.scenarios ? `${scenarioLabel(spec, name)}: ${text}` : text;
  });
  value.textContent = blockedBy ? blockedText(blockedBy) : cases[0];
  range.textContent = cases.slice(1).join(" · ");
  range.hidden = Boolean(blockedBy) || cases.length < 2;
}

function fillTable(result) {
  const cell = (tag, text) => Object.assign(document.createElement(tag), { textContent: text });
  $("projection-body").replaceChildren(...result.rows.map((row, i) => {
    const tr = document.createElement("tr");
    tr.append(Object.assign(cell("th", i + 1), { scope: "row" }),
      ...spec.projection.series.map((s) => cell("td", formatValue(row.get(s.id), s.format, spec.currency))));
    return tr;
  }));
}

// The diagnostic result and group token that brought the prospect here travel on with the
// numbers, so a CFO opening a shared guide sees both.
const CARRIED = ["d", "v", "b", "sz", "t", "g"];
let carried = new URLSearchParams();

function linkParams(read) {
  const params = shareParams(spec, read);
  for (const k of CARRIED) if (carried.has(k)) params.set(k, carried.get(k));
  return params;
}

function setShare(read) {
  const ok = read.errors === 0;
  $("share-pending").hidden = ok;
  $("share-ready").hidden = !ok;
  if (!ok) return;
  const params = linkParams(read);
  $("share-link").href = withFragment(location.pathname, params);
  const own = new URLSearchParams(params);
  own.set("j", journeyId());  // the prospect's own onward path, not part of the share link
  for (const a of document.querySelectorAll("a.team-link")) {
    a.href = withFragment(a.dataset.base, own);
  }
  $("share-copied").textContent = "";
}

function shareUrl() {
  const params = new URLSearchParams($("share-link").hash.slice(1));
  params.set("g", ensureGroup());
  return withFragment(location.origin + location.pathname, params);
}

/** Recalculate everything from the form; returns the result for the chosen scenario. */
export function recalculate({ announce = false } = {}) {
  const read = readForm();
  const ok = read.errors === 0;
  const needs = needsOf(read.bad);
  $("results-pending").hidden = ok;
  const results = {};
  for (const name of spec.scenarios ? SCENARIOS : [read.scenario]) results[name] = compute(spec, read.values, name);
  const result = results[read.scenario];
  for (const o of spec.outputs) {
    const dd = form.querySelector(`[data-output="${o.id}"]`);
    if (!dd) continue;
    dd.classList.toggle("blocked", needs.has(o.id));
    dd.textContent = needs.has(o.id) ? blockedText(needs.get(o.id)) : outputText(spec, o, result.outputs.get(o.id));
  }
  if (spec.scenarios) {
    $("scenario-name").textContent = scenarioLabel(spec, read.scenario);
    for (const name of SCENARIOS) {
      const r = results[name];
      for (const o of spec.outputs) {
        const td = form.querySelector(`[data-compare="${name}:${o.id}"]`);
        if (td) td.textContent = needs.has(o.id) ? "—" : outputText(spec, o, r.outputs.get(o.id));
      }
    }
  }
  headline(read, needs, results);
  if (spec.projection) {
    const blocked = spec.projection.order.some((id) => needs.has(id));
    $("charts").hidden = blocked;
    $("chart-pending").hidden = !blocked;
    const be = $("breakeven-text");
    if (be) be.textContent = blocked ? "" : breakevenText(spec, result) || "";
    if (!blocked) {
      lastResult = result;
      drawCharts(result);
      fillTable(result);
    } else {
      $("projection-body").replaceChildren();
    }
  }
  setShare(read);
  if (announce && ok) announceLater();
  return ok ? result : null;
}

/** Tell screen readers the headline once typing pauses: the answer, cautious case first. */
function announceLater() {
  clearTimeout(statusTimer);
  statusTimer = setTimeout(() => {
    $("results-status").textContent = `${spec.messages.updated} ${($("headline") || {}).innerText || ""}`;
  }, 800);
}

function used(result) {
  if (signalled || !result) return;
  signalled = true;
  signal("calculator_used", spec.slug, {
    payback_band: paybackBand(spec, result), scenario: result.scenario,
  });
}

/** ArrowUp / ArrowDown in a field move its value by the field's step, within its range. */
function stepper(e) {
  const up = e.key === "ArrowUp";
  const entry = (up || e.key === "ArrowDown") && fieldsOf(spec).find(([key]) => key === e.target.name);
  const f = entry && entry[1];
  const checked = f && checkValue(e.target.value, f, spec.locale);
  if (!checked || checked.error) return;
  e.preventDefault();
  const decimals = (String(f.step).split(".")[1] || "").length;
  const next = Number((checked.value + (up ? f.step : -f.step)).toFixed(decimals));
  e.target.value = localize(machine(Math.min(f.max, Math.max(f.min, next))), spec.locale);
  e.target.dispatchEvent(new Event("input", { bubbles: true }));
}


function apply(read) {
  for (const [key] of fieldsOf(spec)) control(key).value = read.raw.get(key);
  const radio = form.querySelector(`input[name="s"][value="${read.scenario}"]`);
  if (radio) radio.checked = true;
}

function fromFragment() {
  const params = readFragment();
  carried = new URLSearchParams([...params].filter(([k]) => CARRIED.includes(k)));
  const read = readParams(spec, params);
  $("link-notice").hidden = read.state !== "malformed";
  if (read.state !== "absent") apply(read);
  return read.state;
}

async function start() {
  if (!form) return;
  spec = await loadSpec(form.dataset.calculator);
  if (!spec) return;
  // Numbers from the link (if any) go into the form; every result is recalculated, and the
  // charts are drawn for the width of this screen.
  fromFragment();
  recalculate();
  addEventListener("resize", () => { if (lastResult) drawCharts(lastResult); });
  const live = () => used(recalculate({ announce: true }));
  form.addEventListener("input", live);
  form.addEventListener("change", live);
  form.addEventListener("keydown", stepper);
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    live();
    $("results-h").focus();
  });
  addEventListener("hashchange", () => {
    fromFragment();
    recalculate();
  });
  $("share-link").addEventListener("click", (e) => { e.currentTarget.href = shareUrl(); });
  const copy = $("share-copy");
  if (navigator.clipboard) {
    copy.hidden = false;
    copy.addEventListener("click", async () => {
      try {
        await navigator.clipboard.writeText(shareUrl());
        $("share-copied").textContent = spec.messages.copied;
      } catch (e) {
        $("share-copied").textContent = spec.messages.copy_failed;
      }
    });
  }
  form.dataset.ready = "true";
}

start();
