// The customer stories closest to the prospect whose result this page's fragment carries (a
// calculator or a forwarded guide; the frozen diagnostic passes its verdict), looked up in the
// table the server made with its one matching function, so browser and server agree. "Not a
// fit" shows none; a size (sz) the table does not know falls back to the match without size.
import { readFragment, withFragment } from "./fragment.js";
import { journeyId } from "./signals.js";

const box = document.querySelector("[data-stories]");

function data(el, name) {
  try {
    return JSON.parse(el.dataset[name]);
  } catch (e) {
    return {};
  }
}

/** Show in `el` the stories matching the result in `p` (by default this page's box and fragment). */
export function show(p = readFragment(), el = box) {
  const table = data(el, "table");
  const said = data(el, "said");
  const [v, b, sz, t] = ["v", "b", "sz", "t"].map((k) => p.get(k) || "");
  const get = (k) => (Object.hasOwn(table, k) ? table[k] : "");
  const found = ["fit", "not_now"].includes(v) && b
    ? get(`${b}|${sz}|${t}`) || get(`${b}|${sz}|`) || get(`${b}||${t}`) || get(`${b}||`) : "";
  const frag = { v, b, j: journeyId() };
  const cards = [...el.querySelectorAll("[data-story-card]")];
  for (const c of cards) c.hidden = true;
  let shown = 0;
  for (const item of found.split(" ")) { // "" finds no card
    const [slug, code] = item.split(":");
    const card = cards.find((c) => c.dataset.storyCard === slug);
    if (!card || !Object.hasOwn(said, code)) continue; // a story removed since: left out
    card.querySelector("[data-said]").textContent = said[code];
    const a = card.querySelector("a[data-base]");
    a.href = withFragment(a.dataset.base, frag);
    card.parentNode.append(card); // in the order of the match
    card.hidden = false;
    shown++;
  }
  el.hidden = !shown;
}

if (box) {
  show();
  addEventListener("hashchange", () => show());
}
