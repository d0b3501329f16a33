// buyerkit calculators in the browser: evaluates the formula trees the server parsed
// (served at /calculators/<slug>.json), with the same operations, rounding and messages as
// site/buyerkit/formula.py and calculation.py. No eval, no new Function.
//
// Exports for other modules:
//   evaluate(node, env, prev)             one formula tree -> number
//   checkValue(raw, field, locale)        {value, machine} or {error: message} (as the server)
//   parseNumber(text, locale, percent), localize(machine, locale)   typed numbers per locale
//   fields(spec)                          [["i.<id>" | "a.<id>", field]] inputs, assumptions
//   compute(spec, values, scenario)       {scenario, outputs, rows, breakeven}
//   machine(x)                            a number as links carry it
//   formatValue(value, format, currency), outputText(spec, output, value), paybackBand(spec, r)
//   readParams(spec, params)              {state: "absent"|"ok"|"malformed", values, raw, scenario}
//   shareParams(spec, read)               URLSearchParams for a share link (no numbers leave
//                                         the page: they go in the URL fragment only)
//   resultsFromFragment(params)           see below; for the role guides

const SLUG = /^[a-z0-9][a-z0-9_-]{0,62}$/;
const MAX_DIGITS = 15;
const SHOW_LIMIT = 1e13;
// The page language's words (from the spec the server rendered in that language) and the
// number formats of static/../content/numbers.py, through Intl.NumberFormat.
const WORDS = {
  locale: "en", not_meaningful: "Not meaningful at these numbers",
  month_one: "{n} month", month_other: "{n} months",
};
const CURRENCY_CODES = { "$": "USD", "€": "EUR", "£": "GBP", "¥": "JPY", "₹": "INR", CHF: "CHF" };
export const SCENARIOS = ["conservative", "expected", "optimistic"];

export function roundHalfAway(x, digits = 0) {
  const p = Math.pow(10, digits);
  const r = Math.floor(Math.abs(x) * p + 0.5) / p;
  return x < 0 ? -r : r;
}

const COMPARE = {
  "<": (a, b) => a < b, "<=": (a, b) => a <= b, ">": (a, b) => a > b,
  ">=": (a, b) => a >= b, "==": (a, b) => a === b, "!=": (a, b) => a !== b,
};

export function evaluate(node, env, prev) {
  const kind = node[0];
  switch (kind) {
    case "num": return node[1];
    case "ref": {
      const v = env.get(node[1]);
      if (v === undefined) throw new Error(`unknown name ${node[1]}`);
      return v;
    }
    case "prev": return prev ? prev(node[1]) : 0;
    case "neg": return -evaluate(node[1], env, prev);
    case "round": return roundHalfAway(evaluate(node[1], env, prev), node[2]);
    case "if": return evaluate(evaluate(node[1], env, prev) !== 0 ? node[2] : node[3], env, prev);
    case "min":
    case "max": {
      let best = evaluate(node[1], env, prev);
      for (let i = 2; i < node.length; i++) {
        const v = evaluate(node[i], env, prev);
        if (kind === "min" ? v < best : v > best) best = v;
      }
      return best;
    }
    default: {
      const a = evaluate(node[1], env, prev);
      const b = evaluate(node[2], env, prev);
      switch (kind) {
        case "+": return a + b;
        case "-": return a - b;
        case "*": return a * b;
        case "/": return b !== 0 ? a / b : NaN;
        default: return COMPARE[kind](a, b) ? 1 : 0;
      }
    }
  }
}

const formats = new Map();

function nf(locale, options) {
  const key = locale + JSON.stringify(options);
  if (!formats.has(key)) formats.set(key, new Intl.NumberFormat(locale, options));
  return formats.get(key);
}

function rounded(x, decimals) {
  const p = Math.pow(10, decimals);
  const k = roundHalfAway(Math.abs(roundHalfAway(x, decimals)) * p, 0);
  return (x < 0 ? -k : k) / p + 0;
}

export function formatNumber(x, locale, decimals) {
  return nf(locale, { minimumFractionDigits: 0, maximumFractionDigits: decimals }).format(x + 0);
}

export function formatPercent(hundredths, locale) {
  return nf(locale, { style: "percent", minimumFractionDigits: 0, maximumFractionDigits: 1 })
    .format(hundredths / 100);
}

export function formatMoney(units, currency, locale) {
  const code = /^[A-Z]{3}$/.test(currency) ? currency : CURRENCY_CODES[currency];
  if (!code) return (units < 0 ? "-" : "") + currency + formatNumber(Math.abs(units), locale, 0);
  return nf(locale, { style: "currency", currency: code, minimumFractionDigits: 0,
    maximumFractionDigits: 0 }).format(units + 0);
}

export function formatValue(value, format, currency, locale = WORDS.locale, words = WORDS) {
  if (!Number.isFinite(value) || Math.abs(value) >= SHOW_LIMIT) return words.not_meaningful;
  if (format === "currency") return formatMoney(roundHalfAway(roundHalfAway(value, 2), 0), currency, locale);
  if (format === "percent") return formatPercent(rounded(value * 100, 1), locale);
  if (format === "months") {
    if (value < 0) return words.not_meaningful;
    const text = formatNumber(rounded(value, 1), locale, 1);
    return (text === "1" ? words.month_one : words.month_other).replace("{n}", text);
  }
  return formatNumber(rounded(value, 2), locale, 2);
}

// A number in the machine form (calculation.py machine(): its plain() ungrouped), rounded
// half away from zero to at most six decimals, zeros cut: `12000000`, `0.000001`. A double
// k / 10^6 (k whole, below 2^53) prints as exactly those digits.
export const machine = (x) => String(rounded(x, 6));

// Typed numbers: the rule of content/numbers.py parse() and localize(), with the locale's
// decimal and group symbols from Intl (Babel's CLDR data on the server). Spaces group too;
// a percentage field may end in "%". The machine form (`-1200.50`) is what links carry.
const SPACES = " \u00a0\u202f";

// [decimal, group] as Intl writes them: `10,000.5` in English, `10.000,5` in German.
export const symbols = (locale) => nf(locale, {}).format(10000.5).match(/(\D)000(\D)/).slice(1).reverse();

export function parseNumber(text, locale, percent = false) {
  const [decimal, grp] = symbols(locale).map((t) => t.replace(/\W/g, "\\$&"));
  // (JavaScript's \d is 0-9 only; Python's would take any script's digits, so it says [0-9].)
  const m = new RegExp(`^(-?)([1-9]\\d{0,2}([${grp}${SPACES}])\\d{3}(?:\\3\\d{3})*|\\d+)` +
    `(?:${decimal}(\\d+))?${percent ? `(?:[${SPACES}]?%)?` : ""}$`).exec(String(text).trim());
  if (!m) return null;
  const [, sign, whole, sep, frac] = m;
  return sign + (sep ? whole.split(sep).join("") : whole) + (frac ? "." + frac : "");
}

export function localize(machine, locale) {
  const [decimal, grp] = symbols(locale);
  const [whole, frac] = machine.split(".");
  return whole.replace(/\B(?=([0-9]{3})+$)/g, grp) + (frac ? decimal + frac : "");
}


export function checkValue(raw, field, locale = "en") {
  const msg = field.messages;
  if (!String(raw).trim()) return { error: msg.empty };
  const text = parseNumber(raw, locale, /^%/.test(field.unit));
  if (text === null) return { error: msg.nan };
  if (text.replace(/\D/g, "").length > MAX_DIGITS) return { error: msg.long };
  const x = Number(text);
  if (x < field.min || x > field.max) return { error: msg.range };
  return { value: x + 0, machine: text };
}

export function compute(spec, values, scenario) {
  const factors = spec.scenarios ? spec.scenarios[scenario].factors : {};
  const env = new Map();
  for (const [k, v] of values) env.set(k, Object.hasOwn(factors, k) ? v * factors[k] : v);
  const outputs = new Map();
  const byId = new Map(spec.outputs.map((o) => [o.id, o]));
  for (const id of spec.order) {
    const o = byId.get(id);
    if (o.when && evaluate(o.when, env) === 0) {
      outputs.set(id, null);
      continue;
    }
    const v = evaluate(o.formula, env);
    env.set(id, v);
    outputs.set(id, v);
  }
  const rows = [];
  let breakeven = null;
  const p = spec.projection;
  if (p) {
    const formulas = new Map(p.series.map((s) => [s.id, s.formula]));
    let last = new Map();
    for (let m = 1; m <= p.months; m++) {
      env.set("month", m);
      const row = new Map();
      const before = last;
      const prev = (name) => (before.has(name) ? before.get(name) : 0);
      for (const id of p.order) {
        const v = evaluate(formulas.get(id), env, prev);
        row.set(id, v);
        env.set(id, v);
      }
      rows.push(row);
      last = row;
      if (p.breakeven && breakeven === null && roundHalfAway(row.get(p.breakeven), 2) >= 0) {
        breakeven = m;
      }
    }
  }
  return { scenario, outputs, rows, breakeven };
}

export function paybackBand(spec, result) {
  let months;
  if (spec.payback) {
    const v = result.outputs.get(spec.payback);
    if (!(Number.isFinite(v) && v >= 0 && v < SHOW_LIMIT)) return "never";  // null: not finite
    months = roundHalfAway(v, 1);
  } else {
    if (result.breakeven === null) {
      const id = spec.projection.breakeven;
      const n = result.rows.length;
      const rising = n > 1 && result.rows[n - 1].get(id) > result.rows[n - 2].get(id);
      return rising ? "24_plus" : "never";
    }
    months = result.breakeven;
  }
  for (const [limit, band] of [[3, "0_3"], [6, "3_6"], [12, "6_12"], [24, "12_24"]]) {
    if (months <= limit) return band;
  }
  return "24_plus";
}

export function outputText(spec, output, value) {
  if (value === null) return output.otherwise || spec.messages.not_meaningful;
  return formatValue(value, output.format, spec.currency, spec.locale, spec.messages);
}

export function breakevenText(spec, result) {
  const p = spec.projection;
  if (!p || !p.breakeven) return null;
  const m = spec.messages;
  if (result.breakeven === null) return m.breakeven_none.replace("{n}", p.months);
  return m.breakeven_at.replace("{m}", result.breakeven).replace("{n}", p.months);
}

export function scenarioLabel(spec, name) {
  return spec.scenarios[name].label;
}

export function fields(spec) {
  return [...spec.inputs.map((f) => ["i." + f.id, f]), ...spec.assumptions.map((f) => ["a." + f.id, f])];
}

// `raw`: each field's text as the page's language writes it; `machine`: as a link carries it.
export function defaults(spec) {
  const d = { values: new Map(), raw: new Map(), machine: new Map(), scenario: "expected" };
  for (const [key, f] of fields(spec)) {
    d.values.set(f.id, f.value);
    d.machine.set(key, machine(f.value));
    d.raw.set(key, localize(machine(f.value), spec.locale));
  }
  return d;
}

// Read a calculator's numbers from URLSearchParams (a share link's fragment). A link with
// no `calc` is "absent"; one for another calculator, with an unknown or repeated field, a
// bad number or an unknown scenario is "malformed", and the page falls back to defaults.
// Numbers are in the machine form, read by the English rule whatever the page's language,
// so a link opens with the same numbers in every language (each field shows them its way).
export function readParams(spec, params) {
  if (!params.has("calc")) return { state: "absent", ...defaults(spec) };
  const bad = { state: "malformed", ...defaults(spec) };
  if (params.getAll("calc").length !== 1 || params.get("calc") !== spec.slug) return bad;
  const known = new Map(fields(spec));
  const out = defaults(spec);
  for (const key of new Set(params.keys())) {
    if (!/^[ia]\./.test(key)) continue;
    const f = known.get(key);
    if (!f || params.getAll(key).length !== 1) return bad;
    const checked = checkValue(params.get(key), f);  // the machine form: the English rule
    if (checked.error) return bad;
    out.values.set(f.id, checked.value);
    out.machine.set(key, checked.machine);
    out.raw.set(key, localize(checked.machine, spec.locale));
  }
  if (params.has("s")) {
    const s = params.get("s");
    if (params.getAll("s").length !== 1 || !SCENARIOS.includes(s)) return bad;
    if (!spec.scenarios && s !== "expected") return bad;
    out.scenario = s;
  }
  return { ...out, state: "ok" };
}

// The params of a share link: every input, only the assumptions that differ from ours, in
// the machine form of what the person typed, so the link parses to exactly the same numbers
// in every language.
export function shareParams(spec, read) {
  const params = new URLSearchParams();
  params.set("calc", spec.slug);
  for (const [key, f] of fields(spec)) {
    if (key.startsWith("a.") && read.values.get(f.id) === f.value) continue;
    params.set(key, read.machine.get(key));
  }
  if (spec.scenarios) params.set("s", read.scenario);
  return params;
}

const specs = new Map();

// "de/" on a page under /de/ (its <html lang> and its address agree), else "".
function languagePrefix() {
  const lang = document.documentElement.lang;
  const root = new URL("../", import.meta.url).pathname;
  return /^[a-z]{2}$/.test(lang) && location.pathname.startsWith(`${root}${lang}/`) ? `${lang}/` : "";
}

export async function loadSpec(slug) {
  if (!SLUG.test(slug)) return null;
  if (!specs.has(slug)) {
    const url = new URL(`../${languagePrefix()}calculators/${slug}.json`, import.meta.url);
    specs.set(slug, fetch(url, { credentials: "omit" })
      .then((r) => (r.ok ? r.json() : null))
      .then((s) => {
        // The page's words and number format follow its language's spec.
        if (s && s.locale) Object.assign(WORDS, s.messages, { locale: s.locale });
        return s;
      })
      .catch(() => null));
  }
  return specs.get(slug);
}

// resultsFromFragment(params: URLSearchParams)
//   -> Promise<{slug, title, rows: [{label, text}]} | null>
// For pages that show a prospect's calculator results carried in a share link (the role
// guides): reads `calc`, `i.*`, `a.*` and `s`, fetches /calculators/<calc>.json, checks
// every value exactly as the calculator page does and formats the results as it does.
// Rows: the scenario, each output, then the breakeven month when there is a projection.
// Returns null when there is no `calc`, the calculator is unknown, or anything is malformed.
// Every text is plain text: render it with textContent, never as HTML.
export async function resultsFromFragment(params) {
  const slug = params.get("calc");
  if (!slug) return null;
  const spec = await loadSpec(slug);
  if (!spec) return null;
  const read = readParams(spec, params);
  if (read.state !== "ok") return null;
  const result = compute(spec, read.values, read.scenario);
  const rows = [];
  if (spec.scenarios) {
    rows.push({ label: spec.messages.scenario, text: scenarioLabel(spec, read.scenario) });
  }
  for (const o of spec.outputs) {
    rows.push({ label: o.label, text: outputText(spec, o, result.outputs.get(o.id)) });
  }
  const be = breakevenText(spec, result);
  if (be) rows.push({ label: spec.projection.breakeven_label, text: be });
  return { slug: spec.slug, title: spec.title, rows };
}
