// Upres Studio: sign in, pick a video, choose in plain words, see the price, follow the job, compare,
// download, and find it again in the history. Every call is the public native API.
import { call, followJob, imageUrl, session, upload } from "./api.js";
import { createCompare } from "./compare.js";
import { bytes, clock, credits, duration, fps, size, untilText, when } from "./format.js";
import { FORMATS, defaults, fromSpec, toBody } from "./settings.js";

const $ = id => document.getElementById(id);
const show = (el, on = true) => { (typeof el === "string" ? $(el) : el).hidden = !on; };

const state = {
  account: null,
  models: [],
  presets: [],
  source: null, // { input, name, width, height, fps, duration, uploadId }
  transfer: null, // the upload in flight
  quoteSeq: 0,
  quote: null,
  job: null,
  follow: null,
  historyCursor: null,
};

// ---------- messages ----------

function showError(e) {
  if (e?.name === "AbortError") return;
  $("alert-text").textContent = e?.message || String(e);
  $("alert").dataset.code = e?.code || "";
  show("alert");
}
const clearError = () => show("alert", false);
$("alert-close").addEventListener("click", clearError);

// ---------- theme ----------

function applyTheme(theme) {
  document.documentElement.dataset.theme = theme;
  const dark = theme === "dark";
  $("theme").textContent = dark ? "Light" : "Dark";
  $("theme").setAttribute("aria-label", dark ? "Switch to light theme" : "Switch to dark theme");
}
applyTheme(localStorage.getItem("upres.theme") || (matchMedia("(prefers-color-scheme: dark)").matches ? "dark" : "light"));
$("theme").addEventListener("click", () => {
  const next = document.documentElement.dataset.theme === "dark" ? "light" : "dark";
  localStorage.setItem("upres.theme", next);
  applyTheme(next);
});

// ---------- sign-in ----------

$("admin-form").addEventListener("submit", async e => {
  e.preventDefault();
  clearError();
  const adminKey = $("admin-key").value.trim();
  try {
    const made = await call("POST", "/v1/admin/quickstart", { key: adminKey, body: { name: $("account-name").value.trim() || "me" } });
    session.signIn(made.key.key, adminKey);
    $("admin-key").value = "";
    await enter();
  } catch (err) { showError(err); }
});

$("key-form").addEventListener("submit", async e => {
  e.preventDefault();
  clearError();
  const key = $("api-key").value.trim();
  try {
    await call("GET", "/v1/account", { key });
    session.signIn(key, null);
    $("api-key").value = "";
    await enter();
  } catch (err) { showError(err); }
});

$("sign-out").addEventListener("click", () => {
  session.signOut();
  location.reload();
});

async function enter() {
  show("signin", false);
  show("studio");
  show("sign-out");
  await Promise.all([refreshAccount(), loadModels(), loadHistory(true)]);
}

async function refreshAccount() {
  const me = await call("GET", "/v1/account");
  state.account = me.account;
  $("who").textContent = `${me.account.name} · ${credits(me.account.available)}`;
  show("who");
  renderQuote();
}

async function loadModels() {
  const m = await call("GET", "/v1/models");
  state.models = m.models;
  state.presets = m.presets;
  const select = $("model");
  select.replaceChildren(...m.models.map(x => new Option(`${x.name} — ${x.good_for}`, x.name)));
  const fallback = m.models.find(x => x.name === "realesr-animevideov3-x2");
  if (fallback) select.value = fallback.name;
  describeModel();
}

// ---------- choosing a video ----------

const drop = $("drop");
for (const ev of ["dragenter", "dragover"]) drop.addEventListener(ev, e => { e.preventDefault(); drop.classList.add("over"); });
for (const ev of ["dragleave", "drop"]) drop.addEventListener(ev, () => drop.classList.remove("over"));
drop.addEventListener("drop", e => {
  e.preventDefault();
  const f = e.dataTransfer?.files?.[0];
  if (f) startUpload(f);
});
$("file").addEventListener("change", () => {
  const f = $("file").files[0];
  if (f) startUpload(f);
  $("file").value = "";
});

$("url-form").addEventListener("submit", e => {
  e.preventDefault();
  const url = $("url").value.trim();
  if (!url) return;
  try { new URL(url); } catch { showError(new Error("That is not a link: it should start with https://")); return; }
  clearError();
  setSource({ input: { url }, name: url.split("/").pop() || url, url });
});

function startUpload(file) {
  clearError();
  state.transfer?.abort();
  show("source-pick", false);
  show("source", false);
  show("uploading");
  $("upload-name").textContent = file.name;
  $("upload-note").textContent = bytes(file.size);
  $("upload-bar").value = 0;
  $("upload-pct").textContent = "0 %";
  show("upload-retry", false);
  const t = (state.transfer = upload(file, (loaded, total) => {
    const p = Math.floor((loaded / total) * 100);
    $("upload-bar").value = p;
    $("upload-pct").textContent = `${p} %`;
    $("upload-note").textContent = `${bytes(loaded)} of ${bytes(total)}`;
  }));
  t.done.then(u => {
    if (state.transfer !== t) return;
    state.transfer = null;
    show("uploading", false);
    setSource({
      input: { upload_id: u.id }, uploadId: u.id, name: u.file_name || file.name,
      width: u.width, height: u.height, fps: u.frame_rate, duration: u.duration_seconds, sizeBytes: u.size_bytes, audio: u.has_audio,
    });
  }, err => {
    if (state.transfer !== t) return;
    state.transfer = null;
    if (err.code === "aborted") { resetSource(); return; }
    if (err.code === "network") {
      $("upload-note").textContent = err.message;
      $("upload-retry").onclick = () => startUpload(file);
      show("upload-retry");
      $("upload-retry").focus();
      return;
    }
    resetSource();
    showError(err);
  });
}
$("upload-stop").addEventListener("click", () => { state.transfer ? state.transfer.abort() : resetSource(); });

function resetSource() {
  state.source = null;
  show("uploading", false);
  show("source", false);
  show("source-pick");
  renderQuote();
}
$("source-change").addEventListener("click", resetSource);

let stripUrl = null;
function setSource(src, trim) {
  state.source = src;
  show("source-pick", false);
  show("uploading", false);
  show("source");
  $("source-name").textContent = src.name;
  $("source-facts").textContent = src.url
    ? "a link: the server fetches it when the job starts"
    : `${size(src.width, src.height)} · ${fps(src.fps)} · ${clock(src.duration)}${src.sizeBytes ? " · " + bytes(src.sizeBytes) : ""}${src.audio === false ? " · no sound" : ""}`;
  const hasTimeline = !!src.duration;
  show("timeline", hasTimeline);
  if (hasTimeline) {
    for (const id of ["trim-start", "trim-end"]) { $(id).max = String(src.duration); $(id).step = String(Math.min(0.1, 1 / Math.max(1, src.fps))); }
    $("trim-start").value = String(trim?.start ?? 0);
    $("trim-end").value = String(trim?.end ?? src.duration);
    renderTrim();
    if (stripUrl) URL.revokeObjectURL(stripUrl);
    $("strip").removeAttribute("src");
    const count = matchMedia("(max-width: 600px)").matches ? 6 : 10;
    imageUrl(`/v1/uploads/${src.uploadId}/strip?count=${count}&height=64`).then(u => { stripUrl = u; $("strip").src = u; }, () => {});
  }
  scheduleQuote();
}

// ---------- trim ----------

function trimValues() {
  let a = +$("trim-start").value, b = +$("trim-end").value;
  if (a > b) [a, b] = [b, a];
  return { start: a, end: b };
}
function renderTrim() {
  const d = state.source?.duration || 1, { start, end } = trimValues();
  $("trim-shade").style.left = `${(start / d) * 100}%`;
  $("trim-shade").style.width = `${((end - start) / d) * 100}%`;
  $("trim-text").textContent = start <= 0 && end >= d - 0.01
    ? `The whole video, ${clock(d)}`
    : `From ${clock(start)} to ${clock(end)} (${(end - start).toFixed(1)} s)`;
}
for (const id of ["trim-start", "trim-end"]) {
  $(id).addEventListener("input", renderTrim);
  $(id).addEventListener("change", scheduleQuote);
}
$("trim-reset").addEventListener("click", () => {
  $("trim-start").value = "0";
  $("trim-end").value = String(state.source?.duration || 0);
  renderTrim();
  scheduleQuote();
});

// ---------- options ----------

const formatSelect = $("format");
formatSelect.replaceChildren(...Object.entries(FORMATS).map(([k, f]) => new Option(f.label, k)));

function readOptions() {
  const f = new FormData($("options"));
  const { start, end } = trimValues();
  return {
    ...defaults(),
    content: f.get("content"), model: $("model").value, target: f.get("target"),
    width: $("width").value, height: $("height").value, fit: $("fit").value,
    trimStart: state.source?.duration ? start : 0, trimEnd: state.source?.duration ? end : null,
    frameRate: $("frame-rate").value, interpolateVfr: $("interpolate-vfr").checked, denoise: $("denoise").value, deinterlace: $("deinterlace").checked, grain: $("grain").value,
    format: formatSelect.value, preview: $("preview").checked, extra: state.extra || {},
  };
}

function writeOptions(s) {
  document.querySelector(`input[name=content][value="${s.content}"]`).checked = true;
  if (s.model) $("model").value = s.model;
  (document.querySelector(`input[name=target][value="${s.target}"]`) || document.querySelector("input[name=target]")).checked = true;
  $("width").value = s.width; $("height").value = s.height; $("fit").value = s.fit;
  $("frame-rate").value = s.frameRate; $("interpolate-vfr").checked = s.interpolateVfr; $("denoise").value = String(s.denoise); $("deinterlace").checked = s.deinterlace;
  $("grain").value = String(s.grain); formatSelect.value = s.format; $("preview").checked = s.preview;
  state.extra = s.extra;
  syncOptionRows();
}

function describeModel() {
  const content = new FormData($("options")).get("content");
  let text;
  if (content === "model") {
    const m = state.models.find(x => x.name === $("model").value);
    text = m ? `${m.description}. Good for ${m.good_for}.` : "";
  } else {
    const p = state.presets.find(x => x.name === content);
    text = p ? `${p.description} Good for ${p.good_for}.` : "";
  }
  $("model-about").textContent = text;
}

function syncOptionRows() {
  const f = new FormData($("options"));
  show("model-row", f.get("content") === "model");
  show("exact-row", f.get("target") === "exact");
  const g = +$("grain").value;
  $("grain-out").textContent = g ? `${g}` : "none";
  describeModel();
}

$("options").addEventListener("input", () => { syncOptionRows(); scheduleQuote(); });
$("options").addEventListener("submit", e => e.preventDefault());

// ---------- price, estimate, balance ----------

let quoteTimer = 0;
function scheduleQuote() {
  clearTimeout(quoteTimer);
  quoteTimer = setTimeout(fetchQuote, 250);
}

async function fetchQuote() {
  const seq = ++state.quoteSeq;
  state.quote = null;
  const src = state.source;
  if (!src) { renderQuote(); return; }
  if (src.url) {
    // The server learns a link's length only when it fetches it, so its price comes later.
    state.quote = { pending: true };
    renderQuote();
    return;
  }
  renderQuote("Working out the price…");
  try {
    const q = await call("POST", "/v1/jobs", { body: { ...requestBody(), estimate_only: true } });
    if (seq !== state.quoteSeq) return;
    state.quote = q;
    renderQuote();
  } catch (e) {
    if (seq !== state.quoteSeq) return;
    state.quote = { error: e };
    renderQuote();
  }
}

function requestBody() {
  const src = state.source;
  return toBody(readOptions(), src.input, src.width ? { width: src.width, height: src.height } : null, src.duration);
}

function renderQuote(busy) {
  const q = state.quote, a = state.account;
  $("q-balance").textContent = a ? credits(a.available) : "–";
  const note = $("q-note");
  note.classList.remove("warn");
  show("top-up", false);
  let canStart = !!state.source && !busy;
  if (!q || q.pending || q.error) {
    $("q-price").textContent = q?.pending ? "set after fetching" : "–";
    $("q-time").textContent = "–";
    $("q-output").textContent = "–";
    note.textContent = busy || (q?.pending ? "The server fetches the link first; the price is reserved then, and the job stops if the balance is short." : q?.error ? q.error.message : state.source ? "" : "Choose a video to see the price.");
    if (q?.error) { note.classList.add("warn"); canStart = false; }
  } else {
    $("q-price").textContent = credits(q.price);
    $("q-time").textContent = duration(q.estimate_seconds);
    $("q-output").textContent = `${size(q.output.width, q.output.height)} · ${fps(q.output.frame_rate)} · ${clock(q.output.duration_seconds)}`;
    if (a && q.price > a.available) {
      note.textContent = `You are ${credits(q.price - a.available)} short.`;
      note.classList.add("warn");
      show("top-up", !!session.adminKey);
    } else {
      note.textContent = a ? `${credits(a.available - q.price)} left afterwards.` : "";
    }
  }
  $("start").disabled = !canStart;
}

$("top-up").addEventListener("click", async () => {
  try {
    await call("POST", `/v1/admin/accounts/${state.account.id}/credits`, { key: session.adminKey, body: { amount: 1000, note: "added from Upres Studio" } });
    await refreshAccount();
  } catch (e) { showError(e); }
});

$("start").addEventListener("click", async () => {
  clearError();
  $("start").disabled = true;
  try {
    const job = await call("POST", "/v1/jobs", { body: requestBody() });
    openJob(job, true);
    refreshAccount().catch(() => {});
  } catch (e) {
    showError(e);
  } finally {
    renderQuote();
  }
});

// ---------- a job ----------

const compare = createCompare(showError);
const STATE_WORDS = { queued: "Waiting to start", preparing: "Preparing", processing: "Upscaling", completed: "Done", failed: "Failed", cancelled: "Cancelled" };
let lastLogged = null;

function log(text) {
  const li = document.createElement("li");
  const t = document.createElement("time");
  t.textContent = new Date().toLocaleTimeString();
  li.append(t, " ", text);
  $("log").append(li);
}

function openJob(job, fresh) {
  state.follow?.abort();
  compare.close();
  state.job = job;
  lastLogged = { status: null, quarter: 0 };
  $("log").replaceChildren();
  if (fresh) {
    // The worker may have picked it up before this answer was written: log the acceptance anyway.
    log(`Accepted: ${job.price ? credits(job.price) + " reserved, " : "price set once the link is fetched, "}about ${duration(job.estimate_seconds)} of work.`);
    if (job.status === "queued") lastLogged.status = "queued";
  }
  show("job");
  $("job-id").textContent = job.id;
  renderJob(job);
  if (fresh) $("job").scrollIntoView({ behavior: "smooth", block: "start" });
  if (!isOver(job)) {
    const ctl = (state.follow = new AbortController());
    followJob(job.id, renderJob, ctl.signal)
      .catch(e => { if (e.name !== "AbortError") { log(`Lost the live updates: ${e.message}`); showError(e); } })
      .finally(() => { if (state.follow === ctl) state.follow = null; });
  }
}

function isOver(job) { return ["completed", "failed", "cancelled"].includes(job.status); }

function renderJob(job) {
  // The cancel answer and the event stream race: a "processing" answer can arrive after the stream's
  // "cancelled". A job never leaves an end state, so an older view of it is dropped.
  if (state.job?.id === job.id && state.job !== job && isOver(state.job) && !isOver(job)) return;
  state.job = job;
  const terminal = isOver(job);
  $("job-state").textContent = job.cancel_requested ? "Cancelling" : STATE_WORDS[job.status] || job.status;
  $("job-state").dataset.status = job.status;
  $("job-bar").value = job.progress;
  $("p-percent").textContent = `${Math.floor(job.progress)} %`;
  $("p-frames").textContent = job.frames_total ? `${job.frames_done} of ${job.frames_total}` : "–";
  $("p-fps").textContent = job.fps ? `${job.fps} frames/s` : "–";
  $("p-eta").textContent = terminal ? "–" : job.eta_seconds != null ? duration(job.eta_seconds) : job.status === "queued" ? "after the jobs ahead" : "–";
  show("cancel", !terminal);
  $("cancel").disabled = !!job.cancel_requested;
  show("progress-box", job.status !== "completed");

  if (job.status !== lastLogged.status) {
    lastLogged.status = job.status;
    if (job.status === "queued") log("Waiting for a free worker.");
    else if (job.status === "processing") log(job.attempts > 1 ? `Started again (attempt ${job.attempts}).` : "Started upscaling.");
    else if (job.status === "completed") log(`Done in ${duration(processingSeconds(job))}; ${credits(job.price)} charged.`);
    else if (job.status === "failed") log(`Failed: ${job.error?.message || "no reason given"}${job.error?.code ? ` (${job.error.code})` : ""}. The reserved credits were released.`);
    else if (job.status === "cancelled") log("Cancelled. The reserved credits were released.");
    else log(STATE_WORDS[job.status] || job.status);
  }
  if (job.cancel_requested && !lastLogged.cancel) {
    lastLogged.cancel = true;
    log("Cancel requested: the worker is stopping.");
  }
  const quarter = Math.floor(job.progress / 25);
  if (job.status === "processing" && quarter > lastLogged.quarter && quarter < 4) {
    lastLogged.quarter = quarter;
    log(`${quarter * 25} % (${job.frames_done} frames at ${job.fps} frames/s).`);
  }
  if (job.status === "failed" && job.error) showError({ message: `The job failed: ${job.error.message}`, code: job.error.code });
  if (job.status === "completed" && job.result) showResult(job);
  else show("result", false);
  if (terminal) { loadHistory(true); refreshAccount().catch(() => {}); }
}

function processingSeconds(job) {
  return job.started_at && job.finished_at ? (new Date(job.finished_at) - new Date(job.started_at)) / 1000 : null;
}

function showResult(job) {
  if (!$("result").hidden && $("result").dataset.job === job.id) return;
  $("result").dataset.job = job.id;
  show("result");
  const r = job.result;
  const a = $("download");
  a.href = r.url;
  a.textContent = `Download ${size(r.width, r.height)} · ${bytes(r.size_bytes)}`;
  a.setAttribute("download", `${job.id}.${job.spec.container || "mp4"}`);
  $("download-expiry").textContent = untilText(r.expires_at);
  const rows = [
    ["Input", `${size(job.input.width, job.input.height)} · ${fps(job.input.frame_rate)}`],
    ["Output", `${size(r.width, r.height)} · ${fps(r.frame_rate)}`],
    ["Duration", clock(r.duration_seconds)],
    ["Frames", String(job.output.frames)],
    ["Processing time", duration(processingSeconds(job))],
    ["Credits charged", credits(job.price)],
    ["File size", bytes(r.size_bytes)],
    ["Model", job.spec.model || "the default for the scale"],
    ...(job.spec.fps ? [["Interpolated to", `${fps(job.spec.fps)} (RIFE v4.6; scene cuts repeat a frame)`]] : []),
  ];
  $("numbers").replaceChildren(...rows.map(([k, v]) => {
    const d = document.createElement("div"), dt = document.createElement("dt"), dd = document.createElement("dd");
    dt.textContent = k; dd.textContent = v; d.append(dt, dd);
    return d;
  }));
  compare.open(job);
}

$("cancel").addEventListener("click", async () => {
  if (!state.job) return;
  $("cancel").disabled = true;
  try {
    renderJob(await call("POST", `/v1/jobs/${state.job.id}/cancel`));
  } catch (e) { $("cancel").disabled = false; showError(e); }
});

// ---------- history ----------

async function loadHistory(reset) {
  try {
    const q = reset || !state.historyCursor ? "" : `&cursor=${encodeURIComponent(state.historyCursor)}`;
    const page = await call("GET", `/v1/jobs?limit=10${q}`);
    const list = $("history-list");
    if (reset) list.replaceChildren();
    for (const job of page.data) list.append(historyItem(job));
    state.historyCursor = page.next_cursor;
    show("history-more", !!page.next_cursor);
    show("history-empty", !list.children.length);
  } catch (e) { showError(e); }
}

function historyItem(job) {
  const li = document.createElement("li");
  const head = document.createElement("div");
  head.className = "h-head";
  const badge = document.createElement("span");
  badge.className = "state";
  badge.dataset.status = job.status;
  badge.textContent = STATE_WORDS[job.status] || job.status;
  const title = document.createElement("b");
  title.textContent = `${size(job.input.width, job.input.height)} → ${size(job.output.width, job.output.height)}`;
  head.append(title, badge);
  const facts = document.createElement("p");
  facts.className = "fine";
  facts.textContent = `${when(job.created_at)} · ${clock(job.output.duration_seconds)} · ${job.spec.model || "default model"} · ${credits(job.price)}`;
  const actions = document.createElement("div");
  actions.className = "h-actions";
  const open = document.createElement("button");
  open.type = "button";
  open.textContent = job.status === "completed" ? "Compare and download" : "Open";
  open.setAttribute("aria-label", `Open job ${job.id}`);
  open.addEventListener("click", async () => {
    try { openJob(await call("GET", `/v1/jobs/${job.id}`), true); } catch (e) { showError(e); }
  });
  const again = document.createElement("button");
  again.type = "button";
  again.className = "ghost";
  again.textContent = "Run again";
  again.setAttribute("aria-label", `Run job ${job.id} again with the same settings`);
  again.addEventListener("click", () => rerun(job));
  actions.append(open, again);
  li.append(head, facts, actions);
  return li;
}

async function rerun(job) {
  clearError();
  const s = fromSpec(job.spec, state.models);
  writeOptions(s);
  if (job.input.upload_id) {
    try {
      const u = await call("GET", `/v1/uploads/${job.input.upload_id}`);
      setSource({
        input: { upload_id: u.id }, uploadId: u.id, name: u.file_name || u.id,
        width: u.width, height: u.height, fps: u.frame_rate, duration: u.duration_seconds, sizeBytes: u.size_bytes, audio: u.has_audio,
      }, { start: s.trimStart, end: s.trimEnd ?? u.duration_seconds });
    } catch (e) { showError(e); return; }
  } else if (job.input.url) {
    setSource({ input: { url: job.input.url }, name: job.input.url.split("/").pop() || job.input.url, url: job.input.url });
  }
  $("new").scrollIntoView({ behavior: "smooth", block: "start" });
  $("start").focus({ preventScroll: true });
}

$("history-refresh").addEventListener("click", () => loadHistory(true));
$("history-more").addEventListener("click", () => loadHistory(false));

// ---------- start ----------

syncOptionRows();
if (session.key) {
  enter().catch(e => {
    session.signOut();
    show("studio", false);
    show("signin");
    showError(e);
  });
} else {
  show("signin");
}
