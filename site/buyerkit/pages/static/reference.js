// A customer story page: one anonymised signal that it was read, and how far its clip was
// watched in quartiles. The prospect's verdict and problem bucket come from the link that
// brought them here (only known values); nothing identifies them.
import { readFragment } from "./fragment.js";
import { signal } from "./signals.js";

const story = document.querySelector("[data-story]");
const video = document.querySelector("[data-story-video]");

function context() {
  const p = readFragment();
  const v = p.get("v");
  const b = p.get("b");
  const buckets = (story.dataset.buckets || "").split(" ");
  return { verdict: ["fit", "not_now", "not_a_fit"].includes(v) ? v : null,
           bucket: b && buckets.includes(b) ? b : null };
}

if (story) {
  const slug = story.dataset.story;
  const ctx = context();
  signal("reference_viewed", slug, ctx);
  if (video) {
    const sent = new Set();
    const reached = (quartile) => {
      if (sent.has(quartile)) return;
      sent.add(quartile);
      signal("reference_played", slug, { ...ctx, quartile });
    };
    video.addEventListener("play", () => reached(0));
    video.addEventListener("timeupdate", () => {
      if (!video.duration || !Number.isFinite(video.duration)) return;
      const q = Math.floor((video.currentTime / video.duration) * 4);
      for (let i = 1; i <= Math.min(q, 3); i += 1) reached(i);
    });
    video.addEventListener("ended", () => { [1, 2, 3, 4].forEach(reached); });
  }
}
