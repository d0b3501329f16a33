// The URL fragment is where a prospect's numbers and results travel: servers never see it.

// A fragment is whatever a link's sender wrote, so it is read within limits (docs/security.md):
// the longest link a page makes is under 1,000 characters and 40 keys.
export const MAX_FRAGMENT = 4096;
export const MAX_KEYS = 64;
const PROTOTYPE_KEYS = new Set(["__proto__", "constructor", "prototype"]);
// Past a limit the link reads as one naming no calculator and no diagnostic: each page then
// shows its defaults with its own "could not be read" notice, as for any malformed link.
const OVER_LIMIT = [["calc", ""], ["d", ""]];

/** The fragment's parameters (URLSearchParams syntax after `#`), bounded in length and keys;
 *  prototype keys (`__proto__`, `constructor`, `prototype`) are dropped. */
export function readFragment(hash = location.hash) {
  const raw = String(hash ?? "").replace(/^#/, "");
  if (raw.length > MAX_FRAGMENT) return new URLSearchParams(OVER_LIMIT);
  let parsed;
  try {
    parsed = new URLSearchParams(raw);
  } catch (e) {
    return new URLSearchParams(OVER_LIMIT);
  }
  const out = new URLSearchParams();
  let n = 0;
  for (const [k, v] of parsed) {
    n += 1;
    if (n > MAX_KEYS) return new URLSearchParams(OVER_LIMIT);
    if (!PROTOTYPE_KEYS.has(k)) out.append(k, v);
  }
  return out;
}

/** A URL on this site whose fragment carries `params` (a URLSearchParams or plain object). */
export function withFragment(url, params) {
  const p = params instanceof URLSearchParams ? params : new URLSearchParams(params);
  const base = url.split("#")[0];
  const s = p.toString();
  return s ? `${base}#${s}` : base;
}
