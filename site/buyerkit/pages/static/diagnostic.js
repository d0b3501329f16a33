// The diagnostic's steps, enhanced: a shared link's buying-group token rides along with the
// form, and leaving mid-way (closing the tab, following a link) is sent as one anonymous
// `diagnostic_abandoned` beacon for the step the prospect stopped at. Without JavaScript the
// steps still work and the server records each step reached.
import { groupToken, signal } from "./signals.js";

const form = document.querySelector("form.diagnostic");
if (form) {
  const group = form.elements.namedItem("_group");
  if (group && !group.value) group.value = groupToken() || "";

  let submitting = false;
  form.addEventListener("submit", () => { submitting = true; });
  // Coming back through the back/forward cache: the page is live again.
  window.addEventListener("pageshow", () => { submitting = false; });
  window.addEventListener("pagehide", () => {
    if (submitting) return;
    const journey = form.elements.namedItem("journey");
    signal("diagnostic_abandoned", form.dataset.diagnostic, { step: Number(form.dataset.step) }, {
      beacon: true,
      id: form.dataset.abandonId,
      journey: journey ? journey.value : null,
      group: group && group.value ? group.value : null,
    });
  });
  document.documentElement.dataset.diagnosticReady = "true";  // listening (tests wait on it)
}
