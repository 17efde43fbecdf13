// Numbers as a person reads them.

export function clock(seconds) {
  if (!Number.isFinite(seconds) || seconds < 0) seconds = 0;
  const m = Math.floor(seconds / 60), s = seconds - m * 60;
  return `${m}:${s < 10 ? "0" : ""}${s.toFixed(1)}`;
}

export function duration(seconds) {
  if (seconds == null || !Number.isFinite(seconds)) return "–";
  seconds = Math.max(0, Math.round(seconds));
  if (seconds < 60) return `${seconds} s`;
  const h = Math.floor(seconds / 3600), m = Math.floor((seconds % 3600) / 60), s = seconds % 60;
  return h ? `${h} h ${m} min` : `${m} min ${s} s`;
}

export function bytes(n) {
  if (n == null) return "–";
  const units = ["bytes", "KB", "MB", "GB"];
  let i = 0;
  while (n >= 1024 && i < units.length - 1) { n /= 1024; i++; }
  return `${i ? n.toFixed(1) : n} ${units[i]}`;
}

export const size = (w, h) => `${w}×${h}`;

export const fps = f => `${Math.round(f * 100) / 100} fps`;

/// A price or balance; a URL input's price is unknown until the server has fetched the file.
export const credits = n => (n == null ? "price not known yet" : `${n} credit${n === 1 ? "" : "s"}`);

export function when(iso) {
  const d = new Date(iso);
  return d.toLocaleString(undefined, { dateStyle: "medium", timeStyle: "short" });
}

export function untilText(iso) {
  const hours = (new Date(iso) - Date.now()) / 3_600_000;
  const left = hours >= 1 ? `${Math.round(hours)} h` : `${Math.max(1, Math.round(hours * 60))} min`;
  return `The link works until ${when(iso)} (${left} from now).`;
}
