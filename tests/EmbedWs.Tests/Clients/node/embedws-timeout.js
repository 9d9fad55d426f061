#!/usr/bin/env node
// The server timeout of the browser client samples/EmbedWs.Samples.ConsoleHost/wwwroot/embedws.js
// (options pingInterval, pingTimeout), loaded as a CommonJS module in Node on the `ws` package.
// Usage: node embedws-timeout.js SCENARIO ws://127.0.0.1:PORT/ws PATH/TO/embedws.js
//   silent    a server that never answers: a client with pingInterval 200 ms and pingTimeout
//             200 ms pings, gives up (':close' 1006 'server timeout', its request rejects with
//             'closed') and reconnects; a second client with pingInterval 0 sends nothing.
//   answered  a server that answers the ping (every EmbedWs server: the console host in chat mode):
//             three pings 200 ms apart, each answered, and still the first connection.
//   busy      a server whose JSON heartbeat pings every ~0.1 s: the client answers each one and,
//             with pingInterval 1000 ms, never pings itself.
// Prints one JSON object (the checks and what each client saw); exits 0 when every check passed.
'use strict';

const scenario = process.argv[2];
const url = process.argv[3];
const clientPath = process.argv[4];
if (!scenario || !url || !clientPath) {
  console.error('usage: node embedws-timeout.js silent|answered|busy ws://host:port/ws path/to/embedws.js');
  process.exit(2);
}

const EmbedWs = require(require('path').resolve(clientPath));
const WS = require('ws');
const results = { scenario, checks: {}, clients: {} };
const deadline = setTimeout(() => finish('timed out'), 15000);
const clients = [];
const PING = /^\{"type":"ping","id":(\d+)\}$/;

function finish(error) {
  clearTimeout(deadline);
  results.error = error || null;
  results.ok = !error;
  console.log(JSON.stringify(results));
  clients.forEach(c => c.ws.close());
  process.exit(error ? 1 : 0);
}

function check(name, ok, got) {
  results.checks[name] = { ok, got };
  if (!ok) {
    throw new Error(name + ' failed: ' + JSON.stringify(got));
  }
}

// A client whose socket records every text it sends and receives, with the time since start.
function client(name, options) {
  const start = Date.now();
  const seen = { sent: [], received: [], states: [], opens: [], closes: [] };
  const waiters = [];
  const changed = () => waiters.slice().forEach(w => w());
  class RecordingWebSocket extends WS {
    constructor(address, protocols) {
      super(address, protocols);
      this.on('message', data => { seen.received.push(String(data)); changed(); });
    }

    send(data, ...rest) {
      seen.sent.push({ text: String(data), at: Date.now() - start });
      changed();
      return super.send(data, ...rest);
    }
  }

  const ws = new EmbedWs(url, Object.assign({ WebSocket: RecordingWebSocket }, options));
  ws.on(':state', state => { seen.states.push(state); changed(); });
  ws.on(':open', () => { seen.opens.push(Date.now() - start); changed(); });
  ws.on(':close', e => { seen.closes.push({ code: e.code, reason: e.reason, wasClean: e.wasClean, at: Date.now() - start }); changed(); });
  results.clients[name] = seen;
  const c = {
    ws,
    seen,
    pings: () => seen.sent.filter(s => PING.test(s.text)),
    // Resolves once condition() holds; checked again whenever this client sees something.
    until: condition => new Promise(resolve => {
      const w = () => {
        if (condition()) {
          waiters.splice(waiters.indexOf(w), 1);
          resolve();
        }
      };
      waiters.push(w);
      w();
    }),
  };
  clients.push(c);
  return c;
}

function idOf(text) {
  try {
    return JSON.parse(text).id;
  } catch (e) {
    return undefined;
  }
}

async function silent() {
  const a = client('a', { pingInterval: 200, pingTimeout: 200, minDelay: 20, maxDelay: 50 });
  const b = client('b', { pingInterval: 0 });
  await a.until(() => a.seen.opens.length === 1);
  await b.until(() => b.seen.opens.length === 1);
  const lost = a.ws.request('never.answered').then(() => 'resolved', e => e.code);

  await a.until(() => a.seen.opens.length === 2);

  const opened = a.seen.opens[0];
  const pings = a.pings();
  check('a pinged once, after the interval', pings.length >= 1 && pings[0].at - opened >= 190, pings);
  const close = a.seen.closes[0];
  check('a closed: 1006 server timeout', close.code === 1006 && close.reason === 'server timeout' && close.wasClean === false, close);
  check('a closed after interval + timeout', close.at - opened >= 390, { opened, close: close.at });
  check('a reconnected', a.seen.states.join() === 'open,reconnecting,open', a.seen.states);
  check('a request on the dead connection rejects', await lost === 'closed', await lost);
  check('b (pingInterval 0) sent nothing', b.seen.sent.length === 0, b.seen.sent);
  check('b still on its first connection', b.seen.opens.length === 1 && b.seen.closes.length === 0 && b.ws.state === 'open', b.seen);
}

async function answered() {
  const a = client('a', { pingInterval: 200, pingTimeout: 300 });
  await a.until(() => a.pings().length >= 3);

  const ids = a.pings().map(p => Number(PING.exec(p.text)[1]));
  const answers = a.seen.received.filter(text => ids.slice(0, 2).includes(idOf(text)));
  check('the first two pings were answered', answers.length === 2, a.seen.received);
  check('still the first connection', a.seen.opens.length === 1 && a.seen.closes.length === 0 && a.ws.state === 'open', a.seen);
  results.answers = answers;
}

async function busy() {
  const a = client('a', { pingInterval: 1000, pingTimeout: 1000 });
  const pongs = () => a.seen.sent.filter(s => /^\{"type":"pong"/.test(s.text));
  await a.until(() => pongs().length >= 15);

  const pings = a.seen.received.filter(text => /^\{"type":"ping"/.test(text)).map(idOf);
  check('each server ping answered with its id', pongs().every(p => pings.includes(idOf(p.text))), { pings, pongs: pongs() });
  check('no ping of its own', a.pings().length === 0, a.pings());
  check('still the first connection', a.seen.opens.length === 1 && a.seen.closes.length === 0, a.seen);
}

const run = { silent, answered, busy }[scenario];
if (!run) {
  console.error('unknown scenario ' + scenario);
  process.exit(2);
}

run().then(() => finish(null), e => finish(e.message));
