// The diagnostic on a static host (buyerkit freeze): the page holds every step and every
// outcome; this shows one step at a time, checks answers with the server's own sentences,
// asks the scoring endpoint (another origin) for the verdict and reveals the matching outcome.
// When the endpoint cannot be reached the prospect is told, their answers stay, and they can
// try again; journey events wait in outbox.js until the endpoint has them. Under the result,
// the optional company form (pool) goes to the endpoint too, and waits there the same way.
import { eventBody, groupToken } from "./signals.js";
import { API, endpointAnswered, post, queue } from "./outbox.js";
import { readFragment, withFragment } from "./fragment.js";
import { fillVerdict, setupShare } from "./verdict.js";
import { show as showStories } from "./stories.js";

const root = document.getElementById("diagnostic");
// This script's words in the page's language, rendered into the page (verdict.py).
const W = root ? JSON.parse(root.dataset.words || "{}") : {};
if (root) start(root);

/** A word with its `{name}` places filled in (one pass: a value is never read again). */
function say(text, values = {}) {
  return text.replace(/\{(\w+)\}/g, (m, k) => (k in values ? String(values[k]) : m));
}

function el(tag, className, text) {
  const e = document.createElement(tag);
  if (className) e.className = className;
  if (text !== undefined) e.textContent = text;
  return e;
}

/** A page title without the error mark that showErrors put in front of it. */
function untitled(title) {
  return title.startsWith(W.error + " ") ? title.slice(W.error.length + 1) : title;
}

function messageFor(fieldset) {
  const chosen = [...fieldset.querySelectorAll("input:checked")];
  if (!chosen.length) {
    if (fieldset.dataset.required !== "true") return null;
    return fieldset.dataset.kind === "single" ? W.one : W.some;
  }
  const exclusive = chosen.length > 1 && chosen.find((i) => i.dataset.exclusive);
  if (exclusive) {
    const label = document.querySelector(`label[for="${exclusive.id}"]`);
    return say(W.alone, { label: label.textContent.trim() });
  }
  return null;
}

// show_if (data-show-if on a step or fieldset): asked when every named answer is one of the
// listed values; `open` names questions not answered yet, which count as possible (progress).
function holds(json, a, open) {
  return !json || Object.entries(JSON.parse(json)).every(([q, vs]) =>
    (open && open.has(q)) || [].concat(a[q] || []).some((v) => vs.includes(v)));
}

const DOWN = { 0: W.down, 403: W.down403, 429: W.down429 };

function start(root) {
  const slug = root.dataset.diagnostic;
  const form = document.getElementById("diagnostic-form");
  const steps = [...form.querySelectorAll("section.step")];
  const items = [...document.querySelectorAll("#progress li")];
  const label = document.getElementById("progress-label");
  const summary = document.getElementById("error-summary");
  const status = document.getElementById("score-status");
  const result = document.getElementById("result");
  const suffix = ` — ${root.dataset.title}`;
  const journey = eventBody("diagnostic_started", slug).journey;
  const abandonIds = {};
  let current = 0;
  let reached = 1;
  let done = false;
  let scoreId = crypto.randomUUID();
  let busy = false;
  let lastResult = null;
  let restoring = false;

  const send = (kind, props = {}, id, leaving = false) =>
    queue({ ...eventBody(kind, slug, props), ...(id ? { id } : {}) }, { leaving });
  send("diagnostic_started");

  // Which fieldsets the answers so far lead to (content/branching.py's rule); the hidden ones
  // are neither checked nor sent, and `{answer:id}` in a shown text quotes the chosen label.
  function branch(open) {
    const a = {};
    const shown = new Set();
    for (const fs of form.querySelectorAll("fieldset[data-question]")) {
      if (!holds(fs.closest("section").dataset.showIf, a, open) || !holds(fs.dataset.showIf, a, open)) continue;
      shown.add(fs);
      const v = [...fs.querySelectorAll("input:checked")].map((i) => i.value);
      if (v.length) a[fs.dataset.question] = v;
    }
    return shown;
  }

  function plan(i) {
    const open = new Set([...form.querySelectorAll("fieldset[data-question]")]
      .filter((fs) => steps.indexOf(fs.closest("section")) >= i).map((fs) => fs.dataset.question));
    const shown = branch(open);
    return steps.map((s, k) => k).filter((k) => k === i || (k > i ? [...steps[k].querySelectorAll("fieldset")].some((fs) => shown.has(fs)) : asked(k)));
  }

  function asked(k) {
    const shown = branch();
    return [...steps[k].querySelectorAll("fieldset[data-question]")].some((fs) => shown.has(fs));
  }

  function pipe() {
    const shown = branch();
    for (const fs of form.querySelectorAll("fieldset[data-question]")) fs.hidden = !shown.has(fs);
    for (const e of form.querySelectorAll("[data-pipe]")) {
      e.textContent = e.dataset.pipe.replace(/\{answer:([^{}\s]*)\}/g, (m, q) =>
        [...form.querySelectorAll(`fieldset[data-question="${CSS.escape(q)}"] input:checked`)]
          .map((i) => document.querySelector(`label[for="${i.id}"]`).textContent.trim()).join(", ") || W.unanswered);
    }
  }

  function progress(i) {
    const p = plan(i);
    items.forEach((li, k) => {
      li.hidden = !p.includes(k);
      li.className = k < i ? "done" : k === i ? "current" : "";
      if (k === i) li.setAttribute("aria-current", "step");
      else li.removeAttribute("aria-current");
      li.querySelector(".done-mark").hidden = k >= i;
    });
    label.firstChild.textContent = say(W.step, { n: p.indexOf(i) + 1, total: p.length });
    label.lastChild.textContent = `: ${steps[i].querySelector("h1").textContent}`;
    return p;
  }

  function clearErrors() {
    summary.hidden = true;
    for (const fs of form.querySelectorAll("fieldset.has-error")) {
      fs.classList.remove("has-error");
      fs.querySelector(".field-error").remove();
      const help = fs.querySelector(".hint");
      if (help) fs.setAttribute("aria-describedby", help.id);
      else fs.removeAttribute("aria-describedby");
    }
  }

  function showStep(i, focus = true) {
    clearErrors();
    status.hidden = true;
    result.hidden = true;
    form.hidden = false;
    document.getElementById("progress").hidden = false;
    steps.forEach((s, k) => { s.hidden = k !== i; });
    current = i;
    pipe();
    const p = progress(i);
    const at = p.indexOf(i);
    for (const [go, k] of [["next", p[at + 1]], ["back", p[at - 1]]]) {
      const b = steps[i].querySelector(`[data-go="${go}"]`);
      if (b) b.textContent = k === undefined ? (go === "next" ? W.see : b.textContent) : say(W[go], { step: steps[k].querySelector("h1").textContent });
    }
    document.title = `${steps[i].querySelector("h1").textContent} (${say(W.step_title, { n: at + 1, total: p.length })})${suffix}`;
    if (i + 1 > reached) {
      reached = i + 1;
      send("step_reached", { step: reached });
    }
    if (focus) steps[i].querySelector("h1").focus();
  }

  function showErrors(errors) {
    // errors: [[fieldset, message]] for one step
    clearErrors();
    const list = summary.querySelector("ul");
    list.replaceChildren();
    for (const [fs, message] of errors) {
      const q = fs.dataset.question;
      const p = el("p", "field-error");
      p.id = `${q}-error`;
      p.append(el("span", "visually-hidden", W.error), ` ${message}`);
      const help = fs.querySelector(".hint");
      (help || fs.querySelector("legend")).after(p);
      fs.classList.add("has-error");
      fs.setAttribute("aria-describedby", [help && help.id, p.id].filter(Boolean).join(" "));
      const a = el("a", "", `${message} `);
      a.href = `#${q}-0`;
      a.append(el("span", "small", `(${fs.querySelector("legend").textContent})`));
      a.addEventListener("click", (ev) => { ev.preventDefault(); document.getElementById(`${q}-0`).focus(); });
      const li = el("li");
      li.append(a);
      list.append(li);
    }
    summary.querySelector("h2").textContent = errors.length === 1 ? W.check_one : W.check_all;
    summary.hidden = false;
    document.title = `${W.error} ${untitled(document.title)}`;
    summary.focus();
  }

  function stepErrors(i) {
    const shown = branch();
    return [...steps[i].querySelectorAll("fieldset[data-question]")].filter((fs) => shown.has(fs))
      .map((fs) => [fs, messageFor(fs)]).filter(([, m]) => m);
  }

  function answers() {
    const out = {};
    for (const fs of branch()) {
      const values = [...fs.querySelectorAll("input:checked")].map((i) => i.value);
      if (values.length) out[fs.dataset.question] = fs.dataset.kind === "multi" ? values : values[0];
    }
    return out;
  }

  function goTo(i) {
    history.pushState({ bkStep: i }, "");
    showStep(i);
  }

  function down(code) {
    status.querySelector("#score-status-text").textContent =
      `${DOWN[code] || DOWN[0]} ${W.kept}`;
    status.hidden = false;
    status.focus();
  }

  function showResult(data) {
    done = true;
    lastResult = data;
    clearErrors();
    form.hidden = true;
    status.hidden = true;
    document.getElementById("progress").hidden = true;
    const v = data.verdict;
    for (const e of result.querySelectorAll("[data-outcome], [data-next]")) {
      e.hidden = (e.dataset.outcome || e.dataset.next) !== v;
    }
    const reasons = document.getElementById("reasons");
    reasons.replaceChildren(...data.reasons.map((r) => el("li", "", r.text)));
    const bucketFact = document.getElementById("fact-bucket");
    bucketFact.hidden = !data.bucket;
    for (const s of result.querySelectorAll("[data-bucket]")) s.hidden = s.dataset.bucket !== data.bucket;
    for (const s of result.querySelectorAll("[data-trigger]")) s.hidden = s.dataset.trigger !== data.trigger;
    // The same matching as Outcome.alternatives_for: by reason, else the general ones, else all.
    const codes = new Set(data.reasons.map((r) => r.code));
    const alts = [...result.querySelectorAll("[data-for-reasons]")];
    const forOf = (a) => a.dataset.forReasons.split(" ").filter(Boolean);
    let shown = alts.filter((a) => forOf(a).some((c) => codes.has(c)));
    if (!shown.length) shown = alts.filter((a) => !forOf(a).length);
    if (!shown.length) shown = alts;
    for (const a of alts) a.hidden = !shown.includes(a);
    document.getElementById("result-share").hidden = v === "not_a_fit";
    const poolBox = document.getElementById("pool");
    if (poolBox) poolBox.hidden = v === "not_a_fit";
    const frag = new URLSearchParams({ d: slug, v });
    if (data.bucket) frag.set("b", data.bucket);
    // The size answer (an option value) travels too, so a forwarded guide matches stories on it.
    const size = [].concat(answers()[root.dataset.size] || []).join(",");
    if (size) frag.set("sz", size);
    frag.set("t", data.trigger);
    frag.set("j", journey);
    fillVerdict(result, frag, [...form.querySelectorAll("fieldset[data-roles] input:checked")].map((i) => i.value));
    // The stories the served result page shows for the same answers (none for "not a fit").
    const stories = result.querySelector("[data-verdict-stories]");
    if (stories) showStories(frag, stories);
    const contact = document.getElementById("result-contact");
    contact.hidden = !contact.dataset.show.split(" ").includes(v);
    const heading = contact.querySelector("#contact-h");
    if (heading) heading.textContent = contact.getAttribute(`data-heading-${v}`) || heading.textContent;
    result.hidden = false;
    const h1 = result.querySelector(`[data-outcome="${v}"] h1`);
    // The served page's title: the verdict and the vendor (whose brand may be a logo).
    document.title = `${say(W.result, { verdict: h1.textContent })} — ${root.dataset.vendor}`;
    h1.focus();
  }

  async function score() {
    if (busy) return;
    busy = true;
    form.setAttribute("aria-busy", "true");
    const body = { diagnostic: slug, answers: answers(), event_id: scoreId, journey,
                   channel: eventBody("diagnostic_started", slug).channel,
                   lang: document.documentElement.lang.split("-")[0].toLowerCase() || undefined };
    let r;
    try {
      r = await fetch(API + "/v1/score", {
        method: "POST", credentials: "omit", headers: { "Content-Type": "application/json" },
        body: JSON.stringify(body), signal: AbortSignal.timeout(15000),
      });
      if (r.ok) {
        const data = await r.json();
        endpointAnswered();
        // The verdict's own address: the answers and this completion's id after `#` (never
        // sent to a server), so a reload or bookmark asks again under the same id and the
        // endpoint stores nothing new.
        const here = readFragment();
        for (const k of [...here.keys()]) if (k.startsWith("a.") || k === "e") here.delete(k);
        for (const [q, v] of Object.entries(body.answers)) for (const x of [].concat(v)) here.append("a." + q, x);
        here.set("e", body.event_id);
        scoreId = crypto.randomUUID(); // answering again later is a new completion
        history[restoring ? "replaceState" : "pushState"]({ bkStep: "result" }, "", withFragment(location.href, here));
        restoring = false;
        showResult(data);
      } else if (r.status === 400) {
        // The endpoint disagrees with an answer: show it where it was given.
        const data = await r.json();
        const bad = (data.errors || []).map((e) => [
          form.querySelector(`fieldset[data-question="${(e.field || "").replace(/^answers\./, "")}"]`),
          e.message]).filter(([fs]) => fs);
        if (!bad.length) return down(0);
        const i = steps.findIndex((s) => s.contains(bad[0][0]));
        showStep(i, false);
        showErrors(bad.filter(([fs]) => steps[i].contains(fs)));
      } else {
        down(r.status);
      }
    } catch (e) {
      down(0);
    } finally {
      busy = false;
      form.removeAttribute("aria-busy");
    }
  }

  form.addEventListener("submit", (ev) => ev.preventDefault());
  form.addEventListener("click", (ev) => {
    const button = ev.target.closest("button[data-go]");
    if (!button) return;
    const p = plan(current);
    const at = p.indexOf(current);
    if (button.dataset.go === "back") {
      if (history.state && history.state.bkStep === current && at > 0) history.back();
      else goTo(p[Math.max(at - 1, 0)]);
      return;
    }
    const errors = stepErrors(current);
    if (errors.length) return showErrors(errors);
    if (at < p.length - 1) return goTo(p[at + 1]);
    const first = steps.findIndex((_, i) => stepErrors(i).length);
    if (first >= 0) {
      goTo(first);
      return showErrors(stepErrors(first));
    }
    score();
  });
  document.getElementById("score-retry").addEventListener("click", score);
  addEventListener("online", () => { if (!status.hidden) score(); });

  addEventListener("popstate", (ev) => {
    const s = ev.state && ev.state.bkStep;
    if (s === "result") return lastResult ? showResult(lastResult) : showStep(steps.length - 1);
    showStep(Number.isInteger(s) ? s : 0);
  });
  addEventListener("pagehide", () => {
    if (done) return;
    const step = current + 1;
    abandonIds[step] = abandonIds[step] || crypto.randomUUID();
    send("diagnostic_abandoned", { step }, abandonIds[step], true);
  });

  history.replaceState({ bkStep: 0 }, "");
  pool(slug, journey);
  const shareBox = document.querySelector("[data-share-result]");
  if (shareBox) setupShare(shareBox);
  // A problem card's link may choose answers in advance (?symptom=...); unknown ones are ignored.
  for (const [k, v] of new URLSearchParams(location.search)) {
    const box = form.querySelector(`fieldset[data-question="${CSS.escape(k)}"] input[value="${CSS.escape(v)}"]`);
    if (box) box.checked = true;
  }
  // A reloaded or bookmarked verdict: put the answers back and ask for the same verdict.
  const saved = readFragment();
  const id = saved.get("e") || "";
  if (/^[0-9a-f-]{36}$/.test(id)) {
    for (const [k, v] of saved) {
      if (!k.startsWith("a.")) continue;
      const box = form.querySelector(`fieldset[data-question="${CSS.escape(k.slice(2))}"] input[value="${CSS.escape(v)}"]`);
      if (box) box.checked = true;
    }
    if (steps.every((_, i) => !stepErrors(i).length)) {
      scoreId = id;
      restoring = true;
      score();
    }
  }
}

// The company domain a prospect may give so colleagues' results are pooled: the endpoint keeps
// only a hash of it, under an id derived from the journey, so sending it again is harmless.
function pool(slug, journey) {
  const form = document.getElementById("pool-form");
  if (!form) return;
  const input = form.elements.domain;
  const summary = document.getElementById("pool-errors");
  const status = document.getElementById("pool-status");
  const id = "company:" + journey;
  let busy = false;

  function clear() {
    const p = document.getElementById("domain-error");
    if (p) p.remove();
    input.removeAttribute("aria-invalid");
    input.setAttribute("aria-describedby", "domain-help");
    summary.hidden = true;
    document.title = untitled(document.title);
  }

  function error(message) {
    clear();
    status.hidden = true;
    form.hidden = false;
    const p = el("p", "field-error");
    p.id = "domain-error";
    p.append(el("span", "visually-hidden", W.error), ` ${message}`);
    input.before(p);
    input.setAttribute("aria-invalid", "true");
    input.setAttribute("aria-describedby", "domain-help domain-error");
    document.getElementById("pool-errors-text").textContent = message;
    summary.hidden = false;
    document.title = `${W.error} ${document.title}`;
    summary.focus();
  }

  function tell(which, focus) {
    clear();
    form.hidden = true;
    for (const p of status.querySelectorAll("[data-pool]")) p.hidden = p.dataset.pool !== which;
    status.hidden = false;
    if (focus) status.focus();
  }

  async function answered(r, focus = true) {
    busy = false;
    form.removeAttribute("aria-busy");
    if (!r) return tell("waiting", focus);
    const data = await r.json().catch(() => ({}));
    if (r.ok) {
      endpointAnswered();
      return tell(data.recorded ? "saved" : "declined", focus);
    }
    // The endpoint's one sentence for a domain it refuses, as the page words it (its language).
    error(form.dataset.invalid);
  }

  summary.querySelector("a").addEventListener("click", (ev) => { ev.preventDefault(); input.focus(); });
  addEventListener("buyerkit-sent", (ev) => { if (ev.detail.id === id) answered(ev.detail.response, false); });
  form.addEventListener("submit", async (ev) => {
    ev.preventDefault();
    if (busy) return;
    let domain = input.value.trim();
    if (!/^[^\s@]+\.[^\s@]+$/.test(domain)) return error(form.dataset.invalid);
    if (/[^\x21-\x7e]/.test(domain)) { // an international name: its xn-- form, as browsers send
      try {
        domain = new URL(domain.includes("//") ? domain : "http://" + domain).hostname;
      } catch (e) {
        return error(form.dataset.invalid);
      }
    }
    busy = true;
    form.setAttribute("aria-busy", "true");
    const body = { diagnostic: slug, journey, group: groupToken(), domain,
                   hp: form.elements._homepage.value };
    answered(await post("/v1/company", body, id));
  });
}
