// The verdict's share list, enhanced: copy a guide's link, a prepared e-mail, the share sheet.
// Each shared link carries the result and the buying-group token after `#` (never sent to a
// server). The frozen diagnostic calls fillVerdict once the endpoint has scored the answers.
import { readFragment, withFragment } from "./fragment.js";
import { ensureGroup, signal } from "./signals.js";

/** Put the result fragment on every link that carries it, and the ticked roles first. */
export function fillVerdict(root, frag, ticked = []) {
  for (const a of root.querySelectorAll("a[data-base]")) a.href = withFragment(a.dataset.base, frag);
  const list = root.querySelector(".share-list");
  if (!list) return;
  const items = [...list.children];
  const rank = (li) => {
    const i = ticked.indexOf(li.dataset.role);
    return i < 0 ? ticked.length + items.indexOf(li) : i;
  };
  list.replaceChildren(...[...items].sort((a, b) => rank(a) - rank(b)));
  for (const li of items) {
    const tag = li.querySelector("[data-ticked]");
    if (tag) tag.hidden = !ticked.includes(li.dataset.role);
  }
  const note = root.querySelector("[data-ticked-note]");
  if (note) note.hidden = !ticked.some((r) => items.some((li) => li.dataset.role === r));
}

/** The link a colleague gets: the result without our journey, plus the group token. */
function shareLink(li) {
  const a = li.querySelector(".share-name");
  const params = readFragment(new URL(a.href, location.href).hash);
  params.delete("j");
  params.set("g", ensureGroup());
  return withFragment(new URL(a.dataset.base, location.href).href, params);
}

/** This script's words in the page's language: they come with the share list (verdict.py),
 *  `{name}` places filled in by one pass (a value is never read again). */
function words(box, key, values = {}) {
  const text = JSON.parse(box.dataset.words || "{}")[key] || "";
  return text.replace(/\{(\w+)\}/g, (m, k) => (k in values ? String(values[k]) : m));
}

function draft(box, li, url) {
  if (li.dataset.role === "kit") return [words(box, "kit_subject"), words(box, "kit_body", { url })];
  const role = li.dataset.name;
  return [words(box, "subject", { role, title: li.dataset.title }), words(box, "body", { role, url })];
}

/** Wire the copy, e-mail and share-sheet actions of every item in the share list. */
export function setupShare(box) {
  const status = box.querySelector("[data-share-status]");
  const say = (text) => {
    status.textContent = "";
    requestAnimationFrame(() => { status.textContent = text; });
  };
  const shared = (li, means) => {
    if (li.dataset.role !== "kit") signal("guide_shared", li.dataset.role, { from_role: null, means });
  };
  for (const li of box.querySelectorAll(".share-item")) {
    const copy = li.querySelector("[data-share-copy]");
    const email = li.querySelector("[data-share-email]");
    const native = li.querySelector("[data-share-native]");
    copy.hidden = false;
    native.hidden = typeof navigator.share !== "function";
    const refresh = () => {
      const [subject, body] = draft(box, li, shareLink(li));
      email.href = `mailto:?subject=${encodeURIComponent(subject)}&body=${encodeURIComponent(body)}`;
    };
    for (const ev of ["focus", "pointerdown"]) email.addEventListener(ev, refresh);
    email.addEventListener("click", () => { refresh(); shared(li, "email"); });
    copy.addEventListener("click", async () => {
      const url = shareLink(li);
      try {
        if (!navigator.clipboard || !window.isSecureContext) throw new Error("no clipboard");
        await navigator.clipboard.writeText(url);
        say(words(box, "copied", { name: li.querySelector(".share-name").textContent }));
      } catch (e) {
        window.prompt(words(box, "copy_prompt"), url);
      }
      shared(li, "copy");
    });
    native.addEventListener("click", async () => {
      try {
        await navigator.share({ title: li.dataset.title, url: shareLink(li) });
        shared(li, "share_sheet");
      } catch (e) { /* the share sheet was closed: nothing was shared */ }
    });
  }
}

const served = document.querySelector("[data-share-result]:not([data-static])");
if (served) setupShare(served);
