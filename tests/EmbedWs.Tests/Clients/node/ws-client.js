#!/usr/bin/env node
// Drives an EmbedWs echo server with Node's `ws` client (a client no one here wrote).
// Usage: node ws-client.js ws://127.0.0.1:PORT/ [deflate]
// With "deflate" the client compresses every message (perMessageDeflate, threshold 0) and the
// results name the extensions the server agreed to.
// Sends text, empty text, non-ASCII text, binary, a 100 KB text and a ping; checks each echo
// (and the pong), then closes with 4001 "done" and checks the server echoes that code.
// Prints one JSON object with the results and exits 0 when every check passed, 1 otherwise.
'use strict';

const WebSocket = require('ws');

const url = process.argv[2];
if (!url) {
  console.error('usage: node ws-client.js ws://host:port/');
  process.exit(2);
}

const TIMEOUT_MS = 10000;
const big = 'x'.repeat(100 * 1024 - 3) + 'end';
const binary = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
const cases = [
  { name: 'text', data: 'hello', binary: false },
  { name: 'empty-text', data: '', binary: false },
  { name: 'utf8-text', data: 'héllo wörld 🌍', binary: false },
  { name: 'binary', data: binary, binary: true },
  { name: '100KB-text', data: big, binary: false },
];

const results = { url, checks: [], close: null, error: null };
let pending = cases.slice();

function check(name, ok, detail) {
  results.checks.push({ name, ok, detail: ok ? undefined : detail });
}

function finish() {
  clearTimeout(timer);
  const ok = results.error === null &&
    results.checks.length === cases.length + 2 &&
    results.checks.every(c => c.ok);
  results.ok = ok;
  console.log(JSON.stringify(results));
  process.exit(ok ? 0 : 1);
}

const timer = setTimeout(() => {
  results.error = `timed out after ${TIMEOUT_MS} ms; waiting for: ${pending.map(c => c.name).join(', ') || 'close'}`;
  finish();
}, TIMEOUT_MS);

const deflate = process.argv[3] === 'deflate';
const ws = new WebSocket(url, deflate ? { perMessageDeflate: { threshold: 0 } } : {});

ws.on('upgrade', response => {
  results.extensions = response.headers['sec-websocket-extensions'] || null;
});

ws.on('open', () => {
  // Send one at a time: each echo is checked against the case it answers.
  sendNext();
});

function sendNext() {
  if (pending.length > 0) {
    ws.send(pending[0].data, { binary: pending[0].binary });
  } else {
    ws.ping(Buffer.from('ping-1'));
  }
}

ws.on('message', (data, isBinary) => {
  const expected = pending.shift();
  if (!expected) {
    check('unexpected-message', false, `got ${data.length} bytes after the last case`);
    return;
  }
  const same = isBinary === expected.binary &&
    Buffer.compare(Buffer.from(data), Buffer.from(expected.data)) === 0;
  check(expected.name, same, `binary=${isBinary}, ${data.length} bytes`);
  sendNext();
});

ws.on('pong', payload => {
  check('pong', payload.toString() === 'ping-1', `pong payload '${payload.toString()}'`);
  ws.close(4001, 'done');
});

ws.on('close', (code, reason) => {
  results.close = { code, reason: reason.toString() };
  check('close-echo', code === 4001, `close code ${code}`);
  finish();
});

ws.on('error', err => {
  results.error = String(err && err.message || err);
  finish();
});
