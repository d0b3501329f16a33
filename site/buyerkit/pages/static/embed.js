/* buyerkit embed: put a diagnostic, calculator or guide on any page of the vendor's site.
   <script src="https://TOOL/static/embed.js" data-src="https://TOOL/diagnostics/x/"
   data-title="…" async></script>. Sizes the frame from its messages (its origin checked),
   passes the page's UTM tags on, and falls back to a plain link if the frame never answers. */
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script || !script.getAttribute("data-src")) return;
  var url = new URL(script.getAttribute("data-src"), script.src);
  var plain = url.href;  // the fallback link: the page as the vendor named it
  var title = script.getAttribute("data-title") || document.title;
  var here = new URLSearchParams(location.search);
  ["source", "medium", "campaign", "term", "content"].forEach(function (k) {
    var v = here.get("utm_" + k);
    if (v && !url.searchParams.has("utm_" + k)) url.searchParams.set("utm_" + k, v.slice(0, 100));
  });
  var from = "";  // the visitor's referrer as a host only (the frame's own is this page)
  try { from = document.referrer ? new URL(document.referrer).hostname : ""; } catch (e) {}
  url.searchParams.set("bk_referrer", from === location.hostname ? "" : from);
  var frame = document.createElement("iframe");
  frame.src = url.href;
  frame.title = title;
  frame.setAttribute("allow", "web-share; clipboard-write");
  frame.style.cssText = "display:block;width:100%;border:0;height:40rem";
  script.parentNode.insertBefore(frame, script.nextSibling);
  var answered = false;
  window.addEventListener("message", function (event) {
    var data = event.data;
    if (event.origin !== url.origin || event.source !== frame.contentWindow) return;
    if (!data || data.buyerkit !== 1) return;
    if (data.type === "ready") {
      answered = true;  // a new page in the frame: bring its top into view if scrolled past
      if (frame.getBoundingClientRect().top < 0) frame.scrollIntoView();
    } else if (data.type === "height" && data.height > 0 && data.height < 100000) {
      frame.style.height = Math.ceil(data.height) + "px";
    }
  });
  setTimeout(function () {  // refused (not an allowed embedder) or unreachable: a plain link
    if (answered) return;
    var a = document.createElement("a");
    a.href = plain;
    a.textContent = title;
    frame.replaceWith(a);
  }, Number(script.getAttribute("data-wait")) || 15000);
})();
