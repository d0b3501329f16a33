// The language switch keeps what the page carries after `#` (a prospect's answers and
// numbers never reach the server): the link gets the current fragment as it is followed.
for (const a of document.querySelectorAll("a[data-keep-fragment]")) {
  a.addEventListener("click", () => {
    if (location.hash) a.hash = location.hash;
  });
}

// The suggestion, never a redirect: when the browser prefers another language this page is
// translated into (navigator.languages, read here only, so frozen pages and caches stay the
// same for everyone), show that language's notice (its words came with the page). A dismissal
// is remembered for this tab only (sessionStorage); nothing else is stored.
const KEY = "buyerkit.language-suggestion";
const offered = new Map([...document.querySelectorAll("[data-language-suggestion]")]
  .map((el) => [el.dataset.languageSuggestion, el]));

function dismissed() {
  try {
    return sessionStorage.getItem(KEY) === "dismissed";
  } catch (e) {
    return false;  // storage blocked: the notice is dismissed for this page only
  }
}

function preferred() {
  const page = document.documentElement.lang;
  for (const tag of navigator.languages || [navigator.language]) {
    const code = String(tag || "").toLowerCase().split("-")[0];
    if (code === page) return null;  // the page is already in a language the reader prefers
    if (offered.has(code)) return offered.get(code);
  }
  return null;
}

const notice = offered.size && !dismissed() ? preferred() : null;
if (notice) {
  notice.hidden = false;
  notice.querySelector("[data-dismiss]").addEventListener("click", () => {
    notice.hidden = true;
    try {
      sessionStorage.setItem(KEY, "dismissed");
    } catch (e) { /* storage blocked: nothing remembered */ }
    const code = notice.dataset.languageSuggestion;
    const rest = document.querySelector(`.language-switch a[hreflang="${code}"]`);
    if (rest) rest.focus();  // the same offer, where it always is
  });
}
