// The URL fragment is where a prospect's numbers and results travel: servers never see it.

/** The fragment's parameters (URLSearchParams syntax after `#`). */
export function readFragment(hash = location.hash) {
  try {
    return new URLSearchParams(hash.replace(/^#/, ""));
  } catch (e) {
    return new URLSearchParams();
  }
}

/** A URL on this site whose fragment carries `params` (a URLSearchParams or plain object). */
export function withFragment(url, params) {
  const p = params instanceof URLSearchParams ? params : new URLSearchParams(params);
  const base = url.split("#")[0];
  const s = p.toString();
  return s ? `${base}#${s}` : base;
}
