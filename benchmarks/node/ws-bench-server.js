'use strict';
// Node's ws as a benchmark server beside EmbedWs: node ws-bench-server.js --port P
// --mode echo|fanout|conns [--compression on|off]. Listens on 127.0.0.1:P, prints "ready" once
// listening, runs until SIGTERM or SIGINT.
//   echo, conns: every message is sent back as it came (text as text, binary as binary).
//   fanout: every message is sent to every other connection (one send per connection, as ws
//     users write a broadcast; with compression ws compresses it for each connection).
// --compression on: permessage-deflate as EmbedWs's Compression = true: the same threshold
// (1,024 bytes), zlib level 1 (EmbedWs's CompressionLevel.Fastest), no server context takeover
// (each message compressed alone), client context takeover allowed. ws's other defaults stay
// (memLevel 8, a zlib concurrency limit of 10 on the libuv thread pool).
const { WebSocketServer } = require('ws');
const zlib = require('zlib');

const args = process.argv.slice(2);
const opt = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 && i + 1 < args.length ? args[i + 1] : fallback;
};
const port = Number(opt('--port', '0'));
const mode = opt('--mode', 'echo');
const compression = opt('--compression', 'off') === 'on';
if (!(port > 0) || !['echo', 'fanout', 'conns'].includes(mode)) {
  console.error('usage: node ws-bench-server.js --port P --mode echo|fanout|conns [--compression on|off]');
  process.exit(2);
}

const perMessageDeflate = compression && {
  threshold: 1024,
  serverNoContextTakeover: true,
  clientNoContextTakeover: false,
  zlibDeflateOptions: { level: zlib.constants.Z_BEST_SPEED },
};
const wss = new WebSocketServer({ host: '127.0.0.1', port, perMessageDeflate, maxPayload: 1024 * 1024 });
wss.on('connection', (ws) => {
  ws.on('error', () => {}); // the load generator ends every connection with a TCP reset
  if (mode === 'fanout') {
    ws.on('message', (data, isBinary) => {
      for (const other of wss.clients) {
        if (other !== ws && other.readyState === 1) other.send(data, { binary: isBinary });
      }
    });
  } else {
    ws.on('message', (data, isBinary) => ws.send(data, { binary: isBinary }));
  }
});
wss.on('listening', () => console.log(`ready ws ${mode} 127.0.0.1:${port} pid ${process.pid}`));
// Nothing to drain: the load generator has reset its connections by then.
process.on('SIGTERM', () => process.exit(0));
process.on('SIGINT', () => process.exit(0));
