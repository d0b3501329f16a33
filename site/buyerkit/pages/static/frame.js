/* buyerkit inside a vendor's page: tell the host frame our height, open contact links on top.
   Runs only when framed by an origin in <meta name="buyerkit-embedders"> (never "*"). */
(function () {
  "use strict";
  if (window.parent === window) return;
  var meta = document.querySelector('meta[name="buyerkit-embedders"]');
  var allowed = meta ? meta.content.split(" ") : [];
  var host = "";
  try {
    var ancestors = location.ancestorOrigins;
    host = ancestors && ancestors.length ? ancestors[0] : new URL(document.referrer).origin;
  } catch (e) { return; }
  if (allowed.indexOf(host) < 0) return;
  function send(type, extra) {
    var message = { buyerkit: 1, type: type };
    for (var k in extra) message[k] = extra[k];
    window.parent.postMessage(message, host);
  }
  var last = 0;
  function height() {
    var h = Math.ceil(document.documentElement.getBoundingClientRect().height);
    if (h !== last) { last = h; send("height", { height: h }); }
  }
  // Links that leave the embedded tool (contact options, other sites) open in the top window.
  document.addEventListener("click", function (event) {
    var a = event.target.closest && event.target.closest("a[href]");
    if (!a || a.target) return;
    var url = new URL(a.href, location.href);
    var leaving = url.origin !== location.origin || a.closest(".contact, [data-top]");
    if (leaving && /^https?:$/.test(url.protocol)) a.target = "_top";
  });
  send("ready", { title: document.title });
  height();
  if (window.ResizeObserver) new ResizeObserver(height).observe(document.documentElement);
  window.addEventListener("load", height);
})();
