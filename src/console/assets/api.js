/* The staff API with the signed-in member's bearer token. */
/* global fetch, sessionStorage, Blob, URL */

const KEY = 'needline.console.session';

export class ApiError extends Error {
  constructor(status, code, message, details) {
    super(message);
    this.status = status;
    this.code = code;
    this.details = details;
  }
}

export const session = {
  get() {
    try {
      return JSON.parse(sessionStorage.getItem(KEY) || 'null');
    } catch {
      return null;
    }
  },
  set(value) {
    if (value) sessionStorage.setItem(KEY, JSON.stringify(value));
    else sessionStorage.removeItem(KEY);
  },
};

let onUnauthenticated = () => {};
export const whenSignedOut = (callback) => {
  onUnauthenticated = callback;
};

/** fetch with the token; JSON in and out unless `raw` (then the Response is returned). */
export async function api(path, { method = 'GET', body, raw = false, headers = {} } = {}) {
  const token = session.get()?.token;
  const init = { method, headers: { ...headers } };
  if (token) init.headers.authorization = `Bearer ${token}`;
  if (body !== undefined && !(body instanceof Blob)) {
    init.headers['content-type'] = 'application/json';
    init.body = JSON.stringify(body);
  } else if (body) {
    init.headers['content-type'] = body.type || 'application/octet-stream';
    init.body = body;
  }
  const response = await fetch(path, init);
  if (response.status === 401 && token) {
    session.set(null);
    onUnauthenticated();
  }
  if (!response.ok) {
    let error = {};
    try {
      error = (await response.json()).error || {};
    } catch {
      // not JSON: keep the status alone
    }
    throw new ApiError(
      response.status,
      error.code || 'http_' + response.status,
      error.message || response.statusText,
      error.details,
    );
  }
  if (raw) return response;
  if (response.status === 204) return null;
  return response.json();
}

/** The documented routes, to tell "not built yet" from "failed". */
let documented;
export async function documentedPaths() {
  documented ??= api('/api/openapi.json').then(
    (doc) => doc.paths || {},
    () => ({}),
  );
  return documented;
}

export async function hasRoute(path, method = 'get') {
  const paths = await documentedPaths();
  return Boolean(paths[path] && paths[path][method]);
}

/** Media behind the token become blob: URLs the page can show or play. */
const blobs = new Map();
export async function mediaUrl(url) {
  if (!blobs.has(url))
    blobs.set(
      url,
      api(url, { raw: true })
        .then((response) => response.blob())
        .then((blob) => ({ url: URL.createObjectURL(blob), type: blob.type })),
    );
  return blobs.get(url);
}

/** Downloads an API file (exports) under its server-given name. */
export async function download(path, documentRef) {
  const response = await api(path, { raw: true });
  const disposition = response.headers.get('content-disposition') || '';
  const name = /filename="([^"]+)"/.exec(disposition)?.[1] || 'export';
  const blob = await response.blob();
  const link = documentRef.createElement('a');
  link.href = URL.createObjectURL(blob);
  link.download = name;
  documentRef.body.append(link);
  link.click();
  link.remove();
  return { name, size: blob.size };
}
