// The customer stories closest to the prospect whose result this page's fragment carries (a
// calculator or a forwarded guide): looked up in the table the server made with the one
// matching function, so browser and server always agree. "Not a fit" shows none.
import { readFragment, withFragment } from "./fragment.js";
import { journeyId } from "./signals.js";

const box = document.querySelector("[data-stories]");

function parse(text) {
  try {
    const value = JSON.parse(text || "{}");
    return value && typeof value === "object" ? value : {};
  } catch (e) {
    return {};
  }
}

function own(obj, key) {
  return typeof key === "string" && Object.prototype.hasOwnProperty.call(obj, key)
    ? obj[key] : undefined;
}

/** "slug:code slug:code" for the fragment's verdict, bucket, size band and trigger, or "". */
export function lookup(table, params) {
  const v = params.get("v");
  const b = params.get("b") || "";
  if (!["fit", "not_now"].includes(v) || !b) return "";
  const sz = params.get("sz") || "";
  const t = params.get("t") || "";
  return own(table, `${b}|${sz}|${t}`) || own(table, `${b}|${sz}|`)
    || own(table, `${b}||${t}`) || own(table, `${b}||`) || "";
}

function show() {
  if (!box) return;
  const table = parse(box.dataset.table);
  const said = parse(box.dataset.said);
  const params = readFragment();
  const found = lookup(table, params).split(" ").filter(Boolean);
  const list = box.querySelector("ul");
  const frag = new URLSearchParams({ v: params.get("v") || "", b: params.get("b") || "",
                                     j: journeyId() });
  for (const card of box.querySelectorAll("[data-story-card]")) card.hidden = true;
  let shown = 0;
  for (const item of found) {
    const [slug, code] = item.split(":");
    const card = [...box.querySelectorAll("[data-story-card]")]
      .find((c) => c.dataset.storyCard === slug);
    const text = own(said, code);
    if (!card || typeof text !== "string") continue; // a story removed since: left out
    card.querySelector("[data-said]").textContent = text;
    const a = card.querySelector("a[data-base]");
    a.href = withFragment(a.dataset.base, frag);
    list.append(card); // in the order of the match
    card.hidden = false;
    shown += 1;
  }
  box.hidden = shown === 0;
}

show();
addEventListener("hashchange", show);
