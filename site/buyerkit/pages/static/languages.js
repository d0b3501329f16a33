// The language switch keeps what the page carries after `#` (a prospect's answers and
// numbers never reach the server): the link gets the current fragment as it is followed.
for (const a of document.querySelectorAll("a[data-keep-fragment]")) {
  a.addEventListener("click", () => {
    if (location.hash) a.hash = location.hash;
  });
}
