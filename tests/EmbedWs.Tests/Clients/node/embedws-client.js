#!/usr/bin/env node
// Uses the browser client samples/EmbedWs.Samples.ConsoleHost/wwwroot/embedws.js as a CommonJS
// module in Node, on the `ws` package, against the console host in chat mode.
// Usage: node embedws-client.js ws://127.0.0.1:PORT/ws PATH/TO/embedws.js
// Checks a request/reply (room.list), an error reply (nick.set with an empty name), a push
// (its own chat.message), then close(). Prints one JSON object; exits 0 when every check passed.
'use strict';

const url = process.argv[2];
const clientPath = process.argv[3];
if (!url || !clientPath) {
  console.error('usage: node embedws-client.js ws://host:port/ws path/to/embedws.js');
  process.exit(2);
}

const EmbedWs = require(require('path').resolve(clientPath));
const results = { url, checks: {}, states: [] };
const timer = setTimeout(() => finish('timed out'), 10000);

function finish(error) {
  clearTimeout(timer);
  results.error = error || null;
  results.ok = !error;
  console.log(JSON.stringify(results));
  process.exit(error ? 1 : 0);
}

function check(name, ok, got) {
  results.checks[name] = { ok, got };
  if (!ok) {
    throw new Error(name + ' failed: ' + JSON.stringify(got));
  }
}

const client = new EmbedWs(url, { WebSocket: require('ws'), reconnect: false });
client.on(':state', state => results.states.push(state));
client.on(':open', async () => {
  try {
    const list = await client.request('room.list');
    check('room.list', list.rooms.length === 1 && list.rooms[0].name === 'lobby' && list.rooms[0].count === 1, list);

    const code = await client.request('nick.set', { name: '' }).then(() => 'resolved', e => e.code);
    check('nick.set-invalid', code === 'invalid_name', code);

    const pushed = new Promise(resolve => client.on('chat.message', resolve));
    client.send('chat.send', { text: 'from node' });
    const message = await pushed;
    check('chat.message', message.text === 'from node' && message.room === 'lobby', message);

    client.on(':close', () => finish(client.state === 'closed' ? null : 'state ' + client.state));
    client.close();
  } catch (e) {
    finish(e.message);
  }
});
