// The hand-off on a frozen page: shown when the contact options are, sent as JSON to the
// endpoint's /v1/handoff with the answers still in the diagnostic's form. The endpoint scores
// them again and answers each field's problem, shown beside the field. One request id per
// request: a resend after a network error cannot make a second contact request.
import { API } from "./outbox.js";

const section = document.querySelector("[data-handoff]");
// This script's words in the page's language, rendered with the form (verdict.py).
const W = section ? JSON.parse(section.dataset.words || "{}") : {};
const contact = document.getElementById("result-contact");
const answersForm = document.getElementById("diagnostic-form");

function answers() {
  const out = {};
  for (const set of answersForm.querySelectorAll("fieldset[data-question]")) {
    const checked = [...set.querySelectorAll("input:checked")].map((i) => i.value);
    if (set.dataset.kind === "multi") out[set.dataset.question] = checked;
    else if (checked.length) out[set.dataset.question] = checked[0];
  }
  return out;
}

function say(id, message) {
  const p = document.getElementById(id + "-error");
  const input = document.getElementById(id);
  if (!p) return;
  p.querySelector(".message").textContent = message || "";
  p.hidden = !message;
  if (input) {
    if (message) {
      input.setAttribute("aria-invalid", "true");
      input.setAttribute("aria-describedby", p.id);
    } else {
      input.removeAttribute("aria-invalid");
      input.removeAttribute("aria-describedby");
    }
  }
}

if (section && contact && answersForm) {
  const form = section.querySelector("form");
  const sent = section.querySelector(".handoff-sent");
  let requestId = crypto.randomUUID();
  const show = () => { section.hidden = contact.hidden; };
  new MutationObserver(show).observe(contact, { attributes: true, attributeFilter: ["hidden"] });
  show();

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    for (const id of ["handoff", "email", "name", "note", "consent"]) say(id, "");
    const body = {
      diagnostic: section.dataset.handoff, answers: answers(), request_id: requestId,
      email: form.elements.email.value, name: form.elements.name.value,
      note: form.elements.note.value, consent: form.elements.consent.checked,
      lang: document.documentElement.lang.split("-")[0].toLowerCase() || undefined,
    };
    let r;
    try {
      r = await fetch(API + "/v1/handoff", {
        method: "POST", headers: { "Content-Type": "application/json" },
        body: JSON.stringify(body), credentials: "omit",
      });
    } catch (e) {
      say("handoff", W.unreachable);
      document.getElementById("handoff-error").focus();
      return;
    }
    const reply = await r.json().catch(() => ({}));
    if (r.status === 201 || r.status === 409) {
      sent.querySelector(".handoff-ref").textContent = reply.id || requestId;
      form.hidden = true;
      sent.hidden = false;
      sent.focus();
      requestId = crypto.randomUUID();
      return;
    }
    let first = null;
    for (const e of reply.errors || []) {
      const id = ["email", "name", "note", "consent"].includes(e.field) ? e.field : "handoff";
      say(id, e.message);
      first = first || document.getElementById(id === "handoff" ? "handoff-error" : id);
    }
    if (!first) say("handoff", reply.error || W.failed);
    (first || document.getElementById("handoff-error")).focus();
  });
}
