// burrow inspector. Everything shown from captured traffic goes through textContent: never innerHTML.
'use strict';

const state = { items: new Map(), order: [], selected: null, detail: null };
const $ = (id) => document.getElementById(id);

function el(tag, cls, text) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined && text !== null) e.textContent = String(text);
  return e;
}

async function api(method, path, body) {
  const opts = { method, headers: {} };
  if (body !== undefined) {
    opts.headers['Content-Type'] = 'application/json';
    opts.body = JSON.stringify(body);
  }
  const r = await fetch(path, opts);
  if (!r.ok) {
    let msg = r.status + ' ' + r.statusText;
    try { const j = await r.json(); msg = j.msg || msg; } catch (e) { /* not JSON */ }
    throw new Error(msg);
  }
  return r.status === 204 ? null : r.json();
}

// ---- bytes ----
function b64bytes(b64) {
  const bin = atob(b64 || '');
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}
function bytesB64(bytes) {
  let bin = '';
  for (let i = 0; i < bytes.length; i += 0x8000) bin += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000));
  return btoa(bin);
}
function splitRaw(bytes) {
  for (let i = 0; i + 3 < bytes.length; i++) {
    if (bytes[i] === 13 && bytes[i + 1] === 10 && bytes[i + 2] === 13 && bytes[i + 3] === 10) {
      return { head: bytes.subarray(0, i), body: bytes.subarray(i + 4) };
    }
  }
  return { head: bytes, body: new Uint8Array(0) };
}
function decodeText(bytes) {
  try {
    const t = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    if (/[\u0000-\u0008\u000e-\u001f]/.test(t)) return null;
    return t;
  } catch (e) { return null; }
}
function latin1(bytes) {
  let s = '';
  for (let i = 0; i < bytes.length; i++) s += String.fromCharCode(bytes[i]);
  return s;
}
function hexdump(bytes) {
  const lines = [];
  const max = Math.min(bytes.length, 64 * 1024);
  for (let off = 0; off < max; off += 16) {
    const row = bytes.subarray(off, Math.min(off + 16, max));
    let hex = '', asc = '';
    for (let i = 0; i < 16; i++) {
      hex += i < row.length ? row[i].toString(16).padStart(2, '0') + ' ' : '   ';
      if (i === 7) hex += ' ';
      asc += i < row.length ? (row[i] >= 32 && row[i] < 127 ? String.fromCharCode(row[i]) : '.') : '';
    }
    lines.push(off.toString(16).padStart(8, '0') + '  ' + hex + ' |' + asc + '|');
  }
  if (bytes.length > max) lines.push('… ' + (bytes.length - max) + ' more bytes');
  return lines.join('\n');
}

// ---- JSON: a strict checker that reports where the first error is ----
function checkJson(text) {
  let i = 0;
  const fail = (msg) => { throw { pos: i, msg }; };
  const ws = () => { while (i < text.length && ' \t\r\n'.includes(text[i])) i++; };
  const describe = () => i >= text.length ? 'end of input' : 'character ' + JSON.stringify(text[i]);
  function value() {
    ws();
    const c = text[i];
    if (c === '{') return object();
    if (c === '[') return array();
    if (c === '"') return string();
    if (c === '-' || (c >= '0' && c <= '9')) return number();
    for (const lit of ['true', 'false', 'null']) {
      if (text.startsWith(lit, i)) { i += lit.length; return; }
    }
    fail('Unexpected ' + describe() + ', expected a value');
  }
  function object() {
    i++; ws();
    if (text[i] === '}') { i++; return; }
    for (;;) {
      ws();
      if (text[i] !== '"') fail('Unexpected ' + describe() + ', expected a property name in double quotes');
      string(); ws();
      if (text[i] !== ':') fail('Unexpected ' + describe() + ', expected \':\'');
      i++; value(); ws();
      if (text[i] === ',') { i++; continue; }
      if (text[i] === '}') { i++; return; }
      fail('Unexpected ' + describe() + ', expected \',\' or \'}\'');
    }
  }
  function array() {
    i++; ws();
    if (text[i] === ']') { i++; return; }
    for (;;) {
      value(); ws();
      if (text[i] === ',') { i++; continue; }
      if (text[i] === ']') { i++; return; }
      fail('Unexpected ' + describe() + ', expected \',\' or \']\'');
    }
  }
  function string() {
    i++;
    while (i < text.length) {
      const c = text[i];
      if (c === '"') { i++; return; }
      if (c === '\\') {
        i++;
        if (text[i] === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.substr(i + 1, 4))) fail('Bad unicode escape');
          i += 5;
        } else if ('"\\/bfnrt'.includes(text[i])) i++;
        else fail('Bad escape ' + describe());
      } else if (c < ' ') fail('Unescaped control character in string');
      else i++;
    }
    fail('Unterminated string');
  }
  function number() {
    const m = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i));
    if (!m) fail('Bad number');
    i += m[0].length;
  }
  try {
    value(); ws();
    if (i < text.length) fail('Unexpected ' + describe() + ' after the JSON value');
    return { ok: true };
  } catch (e) {
    if (e && typeof e.pos === 'number') return { ok: false, pos: Math.min(e.pos, text.length), msg: e.msg };
    throw e;
  }
}
function lineCol(text, pos) {
  let line = 1, col = 1;
  for (let k = 0; k < pos; k++) { if (text[k] === '\n') { line++; col = 1; } else col++; }
  return { line, col };
}

// ---- XML ----
function prettyXml(node, depth, out) {
  const pad = '  '.repeat(depth);
  for (const n of node.childNodes) {
    if (n.nodeType === 1) {
      let open = '<' + n.nodeName;
      for (const a of n.attributes) open += ' ' + a.name + '="' + a.value + '"';
      const kids = Array.from(n.childNodes).filter(k => !(k.nodeType === 3 && !k.nodeValue.trim()));
      if (kids.length === 0) out.push(pad + open + '/>');
      else if (kids.length === 1 && kids[0].nodeType === 3) out.push(pad + open + '>' + kids[0].nodeValue.trim() + '</' + n.nodeName + '>');
      else { out.push(pad + open + '>'); prettyXml(n, depth + 1, out); out.push(pad + '</' + n.nodeName + '>'); }
    } else if (n.nodeType === 3 && n.nodeValue.trim()) out.push(pad + n.nodeValue.trim());
    else if (n.nodeType === 4) out.push(pad + '<![CDATA[' + n.nodeValue + ']]>');
    else if (n.nodeType === 8) out.push(pad + '<!--' + n.nodeValue + '-->');
  }
  return out;
}

// Shows text with the character at pos marked, and a message above it.
function showError(container, text, pos, message) {
  const lc = lineCol(text, pos);
  container.appendChild(el('div', 'syntax-error', message + ' at line ' + lc.line + ', column ' + lc.col));
  const pre = el('pre', 'raw-body error-body');
  pre.appendChild(document.createTextNode(text.slice(0, pos)));
  pre.appendChild(el('mark', 'error-at', pos < text.length ? text[pos] : ' '));
  pre.appendChild(document.createTextNode(text.slice(pos + 1)));
  container.appendChild(pre);
}

function header(headers, name) {
  for (const k of Object.keys(headers || {})) if (k.toLowerCase() === name) return headers[k][0];
  return null;
}

function renderBody(container, part) {
  container.replaceChildren();
  if (!part) return;
  const body = splitRaw(b64bytes(part.raw)).body;
  if (body.length === 0) { container.appendChild(el('p', 'hint', 'No body')); return; }
  const ct = (header(part.headers, 'content-type') || '').toLowerCase();
  const text = decodeText(body);
  container.appendChild(el('h4', null, (ct || 'body') + ' · ' + body.length + ' bytes' + (part.truncated ? ' (truncated)' : '')));
  if (text === null) { container.appendChild(el('pre', 'hex', hexdump(body))); return; }
  const looksJson = ct.includes('json') || (!ct && /^\s*[{[]/.test(text));
  const looksXml = ct.includes('xml') || (!ct && /^\s*<\?xml/.test(text));
  if (looksJson) {
    const r = checkJson(text);
    if (r.ok) { container.appendChild(el('pre', 'pretty json', JSON.stringify(JSON.parse(text), null, 2))); return; }
    showError(container, text, r.pos, 'JSON syntax error: ' + r.msg);
    return;
  }
  if (looksXml) {
    const doc = new DOMParser().parseFromString(text, 'application/xml');
    const err = doc.getElementsByTagName('parsererror')[0];
    if (!err) { container.appendChild(el('pre', 'pretty xml', prettyXml(doc, 0, []).join('\n'))); return; }
    const m = /line (\d+) at column (\d+)/.exec(err.textContent);
    let pos = 0;
    if (m) {
      const lines = text.split('\n');
      for (let k = 0; k < Number(m[1]) - 1 && k < lines.length; k++) pos += lines[k].length + 1;
      pos = Math.min(text.length, pos + Number(m[2]) - 1);
    }
    const detail = err.textContent.replace(/^This page contains the following errors:/, '').split('Below is')[0].trim();
    showError(container, text, pos, 'XML syntax error: ' + detail);
    return;
  }
  container.appendChild(el('pre', 'raw-body', text));
}

function kvTable(table, rows) {
  table.replaceChildren();
  for (const [k, v] of rows) {
    const tr = el('tr');
    tr.appendChild(el('td', null, k));
    tr.appendChild(el('td', null, v));
    table.appendChild(tr);
  }
}
function headerRows(headers) {
  const rows = [];
  for (const k of Object.keys(headers || {})) for (const v of headers[k]) rows.push([k, v]);
  return rows;
}
function section(container, title, rows) {
  container.replaceChildren();
  if (!rows.length) return;
  container.appendChild(el('h4', null, title));
  const t = el('table', 'kv');
  kvTable(t, rows);
  container.appendChild(t);
}

// ---- list ----
function statusClass(code) { return code ? 's' + String(code)[0] : ''; }
function fmtDuration(ns) { return ns >= 1e9 ? (ns / 1e9).toFixed(2) + 's' : (ns / 1e6).toFixed(ns < 1e7 ? 2 : 0) + 'ms'; }
function matches(c) {
  const f = $('filter').value.trim().toLowerCase();
  if (!f) return true;
  const s = [c.request.method, c.request.uri, c.response ? c.response.status : '', c.tunnel_name, c.remote_addr,
    c.replay_of ? 'replay' : ''].join(' ').toLowerCase();
  return f.split(/\s+/).every(w => s.includes(w));
}
function row(c) {
  const li = el('li');
  li.dataset.id = c.id;
  li.appendChild(el('span', 'method', c.request.method));
  const path = el('span', 'path', c.request.uri);
  if (c.replay_of) path.prepend(el('span', 'replay-mark', '↻ '));
  li.appendChild(path);
  li.appendChild(el('span', 'status ' + statusClass(c.response && c.response.status_code),
    c.response ? c.response.status_code : (c.error ? 'error' : '…')));
  li.appendChild(el('span', 'duration', fmtDuration(c.duration)));
  li.title = c.tunnel_name + ' · ' + c.start;
  li.addEventListener('click', () => select(c.id));
  if (c.id === state.selected) li.classList.add('selected');
  li.hidden = !matches(c);
  return li;
}
function upsert(c, atTop) {
  const known = state.items.has(c.id);
  state.items.set(c.id, c);
  const old = document.querySelector('#requests li[data-id="' + CSS.escape(c.id) + '"]');
  const li = row(c);
  if (old) old.replaceWith(li);
  else if (atTop) $('requests').prepend(li);
  else $('requests').appendChild(li);
  if (!known) state.order.unshift(c.id);
  refreshCount();
}
function refreshCount() {
  const n = state.items.size;
  $('count').textContent = n ? '(' + n + ')' : '';
  $('empty').hidden = n > 0;
}
function applyFilter() {
  for (const li of $('requests').children) li.hidden = !matches(state.items.get(li.dataset.id));
}
async function loadList() {
  const j = await api('GET', '/api/requests/http?limit=500');
  state.items.clear();
  state.order = [];
  $('requests').replaceChildren();
  for (const c of j.requests) upsert(c, false);
  state.order = j.requests.map(c => c.id);
  refreshCount();
}

// ---- detail ----
async function select(id) {
  state.selected = id;
  for (const li of $('requests').children) li.classList.toggle('selected', li.dataset.id === id);
  let c;
  try { c = await api('GET', '/api/requests/http/' + encodeURIComponent(id)); } catch (e) { $('detail').hidden = true; return; }
  if (state.selected !== id) return;
  state.detail = c;
  renderDetail(c);
}
function renderDetail(c) {
  $('detail').hidden = false;
  $('modify').hidden = true;
  $('curl-out').hidden = true;
  $('replay-status').textContent = '';
  $('summary-title').textContent = c.request.method + ' ' + c.request.uri;
  const sum = $('summary');
  sum.replaceChildren();
  const facts = [['Tunnel', c.tunnel_name], ['Remote address', c.remote_addr], ['Start', c.start],
    ['Duration', fmtDuration(c.duration)], ['Status', c.response ? c.response.status : (c.error || 'waiting…')], ['Id', c.id]];
  if (c.replay_of) facts.push(['Replay of', c.replay_of]);
  for (const [k, v] of facts) { sum.appendChild(el('dt', null, k)); sum.appendChild(el('dd', null, v)); }
  const q = new URL(c.request.uri, 'http://x').searchParams;
  section($('req-query'), 'Query Params', Array.from(q.entries()));
  const reqBytes = b64bytes(c.request.raw);
  const reqBody = splitRaw(reqBytes).body;
  const ct = (header(c.request.headers, 'content-type') || '').toLowerCase();
  const formRows = ct.startsWith('application/x-www-form-urlencoded')
    ? Array.from(new URLSearchParams(decodeText(reqBody) || '').entries()) : [];
  section($('req-form'), 'Form Params', formRows);
  renderBody($('req-body'), c.request);
  kvTable($('req-headers'), headerRows(c.request.headers));
  $('req-raw').textContent = decodeText(reqBytes) ?? latin1(reqBytes);
  $('req-hex').textContent = hexdump(reqBody);
  $('resp-status').textContent = c.response ? c.response.status : '';
  renderBody($('resp-body'), c.response);
  kvTable($('resp-headers'), headerRows(c.response ? c.response.headers : {}));
  const respBytes = c.response ? b64bytes(c.response.raw) : new Uint8Array(0);
  $('resp-raw').textContent = decodeText(respBytes) ?? latin1(respBytes);
  $('resp-hex').textContent = hexdump(splitRaw(respBytes).body);
}

// ---- actions ----
async function replay(raw) {
  const c = state.detail;
  const body = { id: c.id };
  if (raw) body.raw = raw;
  $('replay-status').textContent = 'Replaying…';
  try {
    await api('POST', '/api/requests/http', body);
    $('replay-status').textContent = 'Replayed.';
  } catch (e) {
    $('replay-status').textContent = 'Replay failed: ' + e.message;
  }
}
function openModify() {
  const c = state.detail;
  $('mod-method').value = c.request.method;
  $('mod-path').value = c.request.uri;
  $('mod-headers').value = headerRows(c.request.headers).filter(([k]) => k.toLowerCase() !== 'content-length')
    .map(([k, v]) => k + ': ' + v).join('\n');
  const body = splitRaw(b64bytes(c.request.raw)).body;
  $('mod-body').value = decodeText(body) ?? latin1(body);
  $('modify').hidden = false;
}
function sendModified(ev) {
  ev.preventDefault();
  const lines = $('mod-headers').value.split('\n').map(s => s.trim()).filter(Boolean);
  const head = $('mod-method').value.trim().toUpperCase() + ' ' + $('mod-path').value.trim() + ' HTTP/1.1\r\n' +
    lines.map(l => l + '\r\n').join('') + '\r\n';
  const enc = new TextEncoder();
  const h = enc.encode(head), b = enc.encode($('mod-body').value);
  const all = new Uint8Array(h.length + b.length);
  all.set(h); all.set(b, h.length);
  $('modify').hidden = true;
  replay(bytesB64(all));
}
function shellQuote(s) { return "'" + String(s).replace(/'/g, "'\\''") + "'"; }
function curlFor(c) {
  const host = header(c.request.headers, 'x-original-host') || header(c.request.headers, 'host') || 'localhost';
  const scheme = / \(http\)$/.test(c.tunnel_name) ? 'http' : 'https';
  const parts = ['curl', '-X', c.request.method, shellQuote(scheme + '://' + host + c.request.uri)];
  for (const [k, v] of headerRows(c.request.headers)) {
    if (/^(host|content-length|connection|x-forwarded-for|x-forwarded-proto|x-original-host)$/i.test(k)) continue;
    parts.push('-H', shellQuote(k + ': ' + v));
  }
  const body = splitRaw(b64bytes(c.request.raw)).body;
  if (body.length) {
    const t = decodeText(body);
    parts.push('--data-binary', t !== null ? shellQuote(t) : shellQuote('@body.bin'));
  }
  return parts.join(' ');
}
async function copyCurl() {
  const cmd = curlFor(state.detail);
  const out = $('curl-out');
  out.value = cmd;
  out.hidden = false;
  out.select();
  try { await navigator.clipboard.writeText(cmd); $('replay-status').textContent = 'Copied curl command.'; } catch (e) { /* shown for manual copy */ }
}
function harEntry(c) {
  const reqParts = splitRaw(b64bytes(c.request.raw));
  const respParts = c.response ? splitRaw(b64bytes(c.response.raw)) : null;
  const hdrs = (h) => headerRows(h).map(([name, value]) => ({ name, value }));
  const host = header(c.request.headers, 'x-original-host') || header(c.request.headers, 'host') || 'localhost';
  const url = (/ \(http\)$/.test(c.tunnel_name) ? 'http' : 'https') + '://' + host + c.request.uri;
  const text = (bytes) => { const t = decodeText(bytes); return t !== null ? { text: t } : { text: bytesB64(bytes), encoding: 'base64' }; };
  const entry = {
    startedDateTime: new Date(c.start).toISOString(), time: c.duration / 1e6,
    request: { method: c.request.method, url, httpVersion: c.request.proto, headers: hdrs(c.request.headers),
      queryString: Array.from(new URL(c.request.uri, 'http://x').searchParams.entries()).map(([name, value]) => ({ name, value })),
      cookies: [], headersSize: reqParts.head.length + 4, bodySize: reqParts.body.length },
    response: c.response ? { status: c.response.status_code, statusText: c.response.status.replace(/^\d+ ?/, ''),
      httpVersion: c.response.proto, headers: hdrs(c.response.headers), cookies: [],
      content: Object.assign({ size: respParts.body.length, mimeType: header(c.response.headers, 'content-type') || '' }, text(respParts.body)),
      redirectURL: header(c.response.headers, 'location') || '', headersSize: respParts.head.length + 4, bodySize: respParts.body.length }
      : { status: 0, statusText: '', httpVersion: '', headers: [], cookies: [], content: { size: 0, mimeType: '' }, redirectURL: '', headersSize: -1, bodySize: -1 },
    cache: {}, timings: { send: 0, wait: c.duration / 1e6, receive: 0 }
  };
  if (reqParts.body.length) {
    const t = text(reqParts.body);
    entry.request.postData = { mimeType: header(c.request.headers, 'content-type') || '', text: t.text };
  }
  return entry;
}
async function buildHar() {
  const j = await api('GET', '/api/requests/http');
  const visible = j.requests.filter(matches).reverse();
  return { log: { version: '1.2', creator: { name: 'burrow', version: '1' }, entries: visible.map(harEntry) } };
}
async function exportHar() {
  const har = await buildHar();
  const a = el('a');
  a.href = URL.createObjectURL(new Blob([JSON.stringify(har, null, 2)], { type: 'application/json' }));
  a.download = 'burrow-' + new Date().toISOString().replace(/[:.]/g, '-') + '.har';
  document.body.appendChild(a);
  a.click();
  a.remove();
}

// ---- live updates ----
function connect() {
  const es = new EventSource('/inspect/events');
  es.onopen = () => { $('conn').textContent = 'live'; };
  es.onerror = () => { $('conn').textContent = 'reconnecting…'; };
  es.addEventListener('add', (e) => upsert(JSON.parse(e.data), true));
  es.addEventListener('update', (e) => {
    const c = JSON.parse(e.data);
    upsert(c, true);
    if (c.id === state.selected) select(c.id);
  });
  es.addEventListener('clear', () => {
    state.items.clear(); state.order = []; state.selected = null; state.detail = null;
    $('requests').replaceChildren(); $('detail').hidden = true; refreshCount();
  });
  es.addEventListener('resync', () => loadList());
}

function tabs() {
  for (const nav of document.querySelectorAll('nav.tabs')) {
    nav.addEventListener('click', (ev) => {
      const b = ev.target.closest('button');
      if (!b) return;
      for (const x of nav.children) x.classList.toggle('active', x === b);
      for (const t of document.querySelectorAll('.tab[data-pane="' + nav.dataset.pane + '"]')) t.hidden = t.dataset.tab !== b.dataset.tab;
    });
  }
}

document.addEventListener('DOMContentLoaded', () => {
  tabs();
  $('filter').addEventListener('input', applyFilter);
  $('clear').addEventListener('click', () => api('DELETE', '/api/requests/http'));
  $('export-har').addEventListener('click', exportHar);
  $('replay').addEventListener('click', () => replay(null));
  $('replay-mod').addEventListener('click', openModify);
  $('mod-cancel').addEventListener('click', () => { $('modify').hidden = true; });
  $('modify').addEventListener('submit', sendModified);
  $('copy-curl').addEventListener('click', copyCurl);
  connect();
  loadList().catch(() => {});
});
window.burrowInspector = { buildHar, curlFor, checkJson };
