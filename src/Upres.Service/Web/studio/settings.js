// The page's plain-word choices and the native job request, both ways (a re-run reads a job's spec back).

export const TARGETS = {
  "2x": { scale: 2 },
  "3x": { scale: 3 },
  "4x": { scale: 4 },
  "720p": { lines: 720 },
  "1080p": { lines: 1080 },
  "2160p": { lines: 2160 },
};

export const FORMATS = {
  "mp4-h264": { container: "mp4", codec: "h264", label: "MP4 · H.264 — plays everywhere" },
  "mp4-h265": { container: "mp4", codec: "h265", label: "MP4 · H.265 — about half the size, newer players" },
  "webm-vp9": { container: "webm", codec: "vp9", label: "WebM · VP9 — for the web" },
  "webm-av1": { container: "webm", codec: "av1", label: "WebM · AV1 — smallest, slowest to encode" },
  "mkv-h264": { container: "mkv", codec: "h264", label: "MKV · H.264 — keeps every track" },
  "mov-prores": { container: "mov", codec: "pro_res", label: "MOV · ProRes — for editing, large" },
};

const CONTENT_PRESET = { "real-world": "real-world", animation: "animation" };

export const defaults = () => ({
  content: "real-world", model: "", target: "2x", width: 1920, height: 1080, fit: "pad",
  trimStart: 0, trimEnd: null, frameRate: "", interpolateVfr: false, denoise: 0, deinterlace: false, grain: 0,
  format: "mp4-h264", preview: false, extra: {},
});

/// The request body for the form's state. `source` ({width, height}) picks which side "1080p" names:
/// the short side, so a portrait video becomes 1080 wide.
export function toBody(s, input, source, duration) {
  const body = { input, ...s.extra };
  body.model = s.content === "model" ? s.model || undefined : CONTENT_PRESET[s.content];
  const t = TARGETS[s.target];
  if (t?.scale) body.scale = t.scale;
  else if (t?.lines) {
    if (source && source.height > source.width) body.width = t.lines; else body.height = t.lines;
  } else {
    body.width = +s.width;
    body.height = +s.height;
    body.fit = s.fit;
  }
  const start = Math.max(0, s.trimStart || 0);
  const end = s.trimEnd;
  if (start > 0 || (end != null && duration && end < duration - 0.01)) {
    body.trim = { start_ms: Math.round(start * 1000) };
    if (end != null) body.trim.duration_ms = Math.max(1, Math.round((end - start) * 1000));
  }
  // "max:30" caps the rate (frames dropped); "fps:60" interpolates to exactly that rate.
  const [rateKind, rate] = (s.frameRate || "").split(":");
  if (rateKind === "max" && +rate) body.max_fps = +rate;
  if (rateKind === "fps" && +rate) {
    body.fps = +rate;
    if (s.interpolateVfr) body.interpolate_vfr = true;
  }
  if (+s.denoise) body.denoise = +s.denoise;
  if (s.deinterlace) body.deinterlace = true;
  if (+s.grain) body.grain = +s.grain;
  const f = FORMATS[s.format] || FORMATS["mp4-h264"];
  body.container = f.container;
  body.codec = f.codec;
  if (s.preview) body.preview = true;
  return body;
}

/// A job's stored spec as the form's state, for "Run again".
export function fromSpec(spec, models) {
  const s = defaults();
  const m = spec.model || "";
  if (m === "realesrgan-x4fast") s.content = "real-world";
  else if (m.startsWith("realesr-animevideov3")) s.content = "animation";
  else if (m) { s.content = "model"; s.model = models.some(x => x.name === m) ? m : ""; }
  if (spec.width && spec.height) Object.assign(s, { target: "exact", width: spec.width, height: spec.height, fit: spec.fit || "pad" });
  else if (spec.width || spec.height) {
    const lines = spec.width || spec.height;
    s.target = { 720: "720p", 1080: "1080p", 2160: "2160p" }[lines] || "exact";
    if (s.target === "exact") { s.width = spec.width || ""; s.height = spec.height || ""; }
  } else s.target = { 3: "3x", 4: "4x" }[spec.scale] || "2x";
  s.trimStart = (spec.start_ms || 0) / 1000;
  s.trimEnd = spec.duration_ms ? s.trimStart + spec.duration_ms / 1000 : null;
  s.frameRate = spec.fps ? `fps:${spec.fps}` : spec.max_fps ? `max:${spec.max_fps}` : "";
  s.interpolateVfr = !!spec.interpolate_vfr;
  s.denoise = spec.denoise || 0;
  s.deinterlace = !!spec.deinterlace;
  s.grain = spec.film_grain || 0;
  const format = Object.entries(FORMATS).find(([, f]) => f.container === spec.container && f.codec === spec.codec);
  s.format = format ? format[0] : "mp4-h264";
  s.preview = !!spec.preview;
  if (spec.use_sr === false) s.extra.use_sr = false;
  if (spec.crf != null) s.extra.crf = spec.crf;
  if (spec.bitrate_kbps != null) s.extra.bitrate_kbps = spec.bitrate_kbps;
  return s;
}
