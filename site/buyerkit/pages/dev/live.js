/* buyerkit serve only: reload this page when the content changes (Server-Sent Events). */
(function () {
  "use strict";
  var me = document.currentScript;
  var version = me.getAttribute("data-version");
  var source = new EventSource(me.getAttribute("data-events"));
  source.addEventListener("version", function (event) {
    if (event.data !== version) {
      source.close();
      location.reload();
    }
  });
})();
