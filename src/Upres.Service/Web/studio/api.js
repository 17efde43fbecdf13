// The native API as the page uses it. Keys live in sessionStorage only (gone when the tab closes),
// travel in the Authorization header, and never appear in a URL.

const KEY = "upres.key";
const ADMIN = "upres.admin";

export const session = {
  get key() { return sessionStorage.getItem(KEY); },
  get adminKey() { return sessionStorage.getItem(ADMIN); },
  signIn(key, adminKey) {
    sessionStorage.setItem(KEY, key);
    if (adminKey) sessionStorage.setItem(ADMIN, adminKey); else sessionStorage.removeItem(ADMIN);
  },
  signOut() { sessionStorage.removeItem(KEY); sessionStorage.removeItem(ADMIN); },
};

/// An API refusal: `message` is the sentence the problem document carries, `code` its stable code.
export class ApiError extends Error {
  constructor(message, code, status) {
    super(message);
    this.code = code;
    this.status = status;
  }
}

const sentence = s => (s && !/[.!?]$/.test(s.trim()) ? s.trim() + "." : (s || "").trim());

export function problemMessage(problem, status) {
  if (problem && typeof problem === "object") {
    const parts = [problem.title, problem.detail].filter(Boolean).map(sentence);
    if (parts.length) return new ApiError(parts.join(" "), problem.code || "error", status);
  }
  return new ApiError(status ? `The server answered ${status}.` : "The server could not be reached.", "network", status);
}

async function readError(res) {
  let problem = null;
  try { problem = await res.json(); } catch { /* not JSON: the status says it */ }
  return problemMessage(problem, res.status);
}

export async function call(method, path, { body, key = session.key, signal, raw } = {}) {
  const headers = {};
  if (key) headers.Authorization = "Bearer " + key;
  if (body !== undefined) headers["Content-Type"] = "application/json";
  let res;
  try {
    res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), signal });
  } catch (e) {
    if (e.name === "AbortError") throw e;
    throw new ApiError("The server could not be reached. Is `upres serve` still running?", "network", 0);
  }
  if (!res.ok) throw await readError(res);
  if (raw) return res;
  return res.status === 204 ? null : res.json();
}

/// A signed-in fetch of an image (frames, strips): an object URL the caller revokes.
export async function imageUrl(path, signal) {
  const res = await call("GET", path, { signal, raw: true });
  return URL.createObjectURL(await res.blob());
}

/// Upload with progress. fetch() reports no upload progress, so this is XMLHttpRequest.
/// Resolves with the upload; rejects with ApiError (code "network" when the connection dropped,
/// "aborted" when abort() was called).
export function upload(file, onProgress) {
  const xhr = new XMLHttpRequest();
  const done = new Promise((resolve, reject) => {
    xhr.open("POST", "/v1/uploads");
    xhr.setRequestHeader("Authorization", "Bearer " + session.key);
    xhr.responseType = "json";
    xhr.upload.onprogress = e => { if (e.lengthComputable) onProgress(e.loaded, e.total); };
    xhr.onload = () => (xhr.status >= 200 && xhr.status < 300 ? resolve(xhr.response) : reject(problemMessage(xhr.response, xhr.status)));
    xhr.onerror = () => reject(new ApiError("The connection dropped during the upload.", "network", 0));
    xhr.onabort = () => reject(new ApiError("The upload was stopped.", "aborted", 0));
    const form = new FormData();
    form.append("file", file);
    xhr.send(form);
  });
  return { done, abort: () => xhr.abort() };
}

/// Follows a job's Server-Sent Events (read with fetch, since EventSource cannot send the key).
/// Calls onJob for every job snapshot; resolves with the last one when the stream ends.
export async function followJob(id, onJob, signal) {
  const res = await call("GET", `/v1/jobs/${encodeURIComponent(id)}/events`, { signal, raw: true });
  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  let buffer = "", last = null;
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += decoder.decode(value, { stream: true }).replace(/\r\n/g, "\n");
    let cut;
    while ((cut = buffer.indexOf("\n\n")) >= 0) {
      const chunk = buffer.slice(0, cut);
      buffer = buffer.slice(cut + 2);
      const data = chunk.split("\n").filter(l => l.startsWith("data:")).map(l => l.slice(5).trimStart()).join("\n");
      if (data) { last = JSON.parse(data); onJob(last); }
    }
  }
  return last;
}
