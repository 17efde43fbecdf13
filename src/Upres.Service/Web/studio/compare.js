// The before/after view: one frame of the input and of the result, stacked, with a divider the
// pointer or the keyboard moves, zoomable to single pixels; and both videos played in step.
import { call, imageUrl } from "./api.js";
import { clock } from "./format.js";

const $ = id => document.getElementById(id);

export function createCompare(onError) {
  const view = $("cmp"), stage = $("cmp-stage"), before = $("cmp-before"), after = $("cmp-after"), line = $("cmp-line");
  const divider = $("divider"), at = $("at"), atOut = $("at-out");
  const vBefore = $("v-before"), vAfter = $("v-after"), play = $("play"), seek = $("seek"), playTime = $("play-time"), note = $("player-note");
  let job = null, zoom = "fit", urls = [], loading = null, offset = 0;

  function setDivider(percent) {
    const p = Math.min(100, Math.max(0, percent));
    divider.value = String(Math.round(p));
    after.style.clipPath = `inset(0 0 0 ${p}%)`;
    line.style.left = `${p}%`;
  }

  function layout() {
    if (!job) return;
    const w = job.output.width, h = job.output.height;
    if (zoom === "fit") {
      stage.style.width = "100%";
      stage.style.height = "auto";
      stage.style.aspectRatio = `${w} / ${h}`;
    } else {
      // CSS pixels, so 1:1 is one output pixel per CSS pixel.
      stage.style.width = `${w * zoom}px`;
      stage.style.height = `${h * zoom}px`;
      stage.style.aspectRatio = "";
    }
    view.classList.toggle("pixels", zoom !== "fit");
    for (const b of document.querySelectorAll("[data-zoom]")) b.setAttribute("aria-pressed", String(b.dataset.zoom === String(zoom)));
  }

  async function showFrame(seconds) {
    if (!job) return;
    atOut.textContent = clock(seconds);
    loading?.abort();
    const ctl = (loading = new AbortController());
    // Rounded down to the millisecond: a frame's exact start then asks for that frame, not the next.
    const q = `at=${(Math.floor(seconds * 1000) / 1000).toFixed(3)}`;
    try {
      const [a, b] = await Promise.all([
        imageUrl(`/v1/jobs/${job.id}/frame?side=input&${q}`, ctl.signal),
        imageUrl(`/v1/jobs/${job.id}/frame?side=result&${q}`, ctl.signal),
      ]);
      urls.forEach(u => URL.revokeObjectURL(u));
      urls = [a, b];
      before.src = a;
      after.src = b;
      view.dataset.frame = q;
    } catch (e) {
      if (e.name !== "AbortError") onError(e);
    }
  }

  function fromPointer(e) {
    const r = stage.getBoundingClientRect();
    setDivider(((e.clientX - r.left) / r.width) * 100);
  }

  view.addEventListener("pointerdown", e => {
    if (e.button !== 0) return;
    view.setPointerCapture(e.pointerId);
    fromPointer(e);
    const move = ev => fromPointer(ev);
    const up = () => { view.removeEventListener("pointermove", move); view.removeEventListener("pointerup", up); };
    view.addEventListener("pointermove", move);
    view.addEventListener("pointerup", up);
  });
  view.addEventListener("keydown", e => {
    const step = e.shiftKey ? 10 : 2;
    if (e.key === "ArrowLeft") { setDivider(+divider.value - step); e.preventDefault(); }
    if (e.key === "ArrowRight") { setDivider(+divider.value + step); e.preventDefault(); }
  });
  divider.addEventListener("input", () => setDivider(+divider.value));
  at.addEventListener("change", () => showFrame(+at.value));
  at.addEventListener("input", () => { atOut.textContent = clock(+at.value); });
  for (const b of document.querySelectorAll("[data-zoom]")) {
    b.addEventListener("click", () => { zoom = b.dataset.zoom === "fit" ? "fit" : +b.dataset.zoom; layout(); });
  }

  // The result is the master clock; the input runs `offset` seconds later in its own file (the trim).
  function sync() {
    const want = vAfter.currentTime + offset;
    if (vBefore.readyState >= 1 && Math.abs(vBefore.currentTime - want) > 0.12) vBefore.currentTime = want;
  }
  vAfter.addEventListener("timeupdate", () => {
    seek.value = String(vAfter.currentTime);
    playTime.textContent = `${clock(vAfter.currentTime)} / ${clock(vAfter.duration || 0)}`;
    if (!vAfter.paused) sync();
  });
  vAfter.addEventListener("loadedmetadata", () => { seek.max = String(vAfter.duration || 1); });
  vAfter.addEventListener("error", () => { note.textContent = "This browser cannot play the result's format; download it to watch."; });
  vBefore.addEventListener("error", () => { if (vBefore.getAttribute("src")) note.textContent = "This browser cannot play the original's format; the frame comparison above still works."; });
  vAfter.addEventListener("play", () => { play.textContent = "Pause both"; });
  vAfter.addEventListener("pause", () => { vBefore.pause(); play.textContent = "Play both"; });
  play.addEventListener("click", async () => {
    if (vAfter.paused) {
      sync();
      try { await Promise.all([vAfter.play(), vBefore.play().catch(() => {})]); } catch { vAfter.pause(); }
    } else {
      vAfter.pause();
    }
  });
  seek.addEventListener("input", () => { vAfter.currentTime = +seek.value; sync(); });

  return {
    async open(j) {
      job = j;
      offset = (j.spec?.start_ms || 0) / 1000;
      const length = j.result?.duration_seconds || j.output.duration_seconds || 0;
      const lastFrame = Math.max(0, length - 1 / Math.max(1, j.output.frame_rate));
      at.max = String(lastFrame);
      at.step = String(1 / Math.max(1, j.output.frame_rate));
      const middle = Math.min(lastFrame, Math.floor((length / 2) * j.output.frame_rate) / j.output.frame_rate);
      at.value = String(middle);
      before.width = after.width = j.output.width;
      before.height = after.height = j.output.height;
      setDivider(50);
      zoom = "fit";
      layout();
      note.textContent = "";
      play.textContent = "Play both";
      vAfter.src = j.result.url;
      vBefore.removeAttribute("src");
      try {
        const link = await call("GET", `/v1/jobs/${j.id}/input-link`);
        vBefore.src = link.url;
      } catch (e) {
        note.textContent = e.message;
      }
      await showFrame(middle);
    },
    close() {
      job = null;
      loading?.abort();
      vAfter.pause(); vBefore.pause();
      vAfter.removeAttribute("src"); vBefore.removeAttribute("src");
      vAfter.load(); vBefore.load();
      urls.forEach(u => URL.revokeObjectURL(u));
      urls = [];
      before.removeAttribute("src"); after.removeAttribute("src");
    },
  };
}
