/*
 * embedws.js: a small, dependency-free client for EmbedWs JSON routing (docs/routing.md, docs/js-client.md).
 * A plain script (defines the global EmbedWs) or a CommonJS module (module.exports = EmbedWs).
 *
 *   const ws = new EmbedWs('ws://localhost:8080/ws', { reconnect: true });
 *   ws.on('chat.message', (data, envelope) => show(data.text));  // push {"type":"chat.message","data":...}
 *   ws.on(':state', state => status.textContent = state);         // lifecycle names start with ':'
 *   ws.send('chat.send', { text: 'hi' });                          // {"type":"chat.send","data":{"text":"hi"}}
 *   const { rooms } = await ws.request('room.list');               // resolves with the reply's data
 *   ws.close();                                                    // for good: no reconnect
 *
 * Options (defaults): reconnect (true), minDelay (250 ms), maxDelay (10000 ms), requestTimeout
 * (10000 ms), maxQueue (100 messages), pingInterval (15000 ms; 0 turns the server timeout off),
 * pingTimeout (10000 ms), protocols (subprotocols for the WebSocket constructor), WebSocket (the
 * constructor; globalThis.WebSocket by default, e.g. require('ws') in old Node).
 *
 * ws.state: 'connecting' (first attempt), 'open', 'reconnecting' (dropped; waiting or trying
 * again), 'closed' (after ws.close(), or after a drop when reconnect is false). Final.
 *
 * ws.on(name, fn) returns a function that removes the handler (as ws.off(name, fn) does).
 *   'some.type'  fn(data, envelope) for each push of that type.
 *   'error'      fn(error, envelope): an error from the server that answers no pending request,
 *                e.g. {"type":"error","error":{"code":"invalid_json",...}}.
 *   ':open'      fn(event) on every open, reconnects included (queued messages are sent first).
 *   ':close'     fn(closeEvent) on every close: code, reason, wasClean. After a server timeout
 *                (below) it comes at once with code 1006, reason 'server timeout', wasClean false.
 *   ':error'     fn(event) the socket reported an error (a ':close' follows).
 *   ':state'     fn(state, previous) ws.state changed.
 *   ':raw'       fn(data) a message that is not a JSON envelope (binary, or text without a type).
 * A handler that throws does not stop the others; its error is rethrown on a timer.
 *
 * ws.send(type, data): while not open, up to maxQueue messages (sends and requests) wait and
 * leave in order on the next open. When the queue is full send() throws an Error with code
 * 'queue_full'; after close() it throws one with code 'closed'.
 *
 * ws.request(type, data) sends {"type","id","data"} with ids 1, 2, 3, ... (the client's own pings
 * take ids from the same count, so a reply never meets the wrong request) and returns a Promise
 * that resolves with the reply's data, or rejects (never throws) with an Error whose .code is:
 *   the server's code, with its message, for {"type":"error","id":...,"error":{code,message}};
 *   'timeout' (message 'timeout') after requestTimeout ms, counted from the call;
 *   'closed' when the connection closes after the request was sent (it may have run on the
 *            server; it is not sent again); 'queue_full' as for send().
 * A reply that comes after its request timed out is dropped.
 *
 * Heartbeat: the server's {"type":"ping","id":N} is answered with {"type":"pong","id":N}
 * (HeartbeatPolicy.JsonPingPong); protocol pings are answered by the browser itself.
 *
 * Server timeout: when nothing at all has arrived from the server for pingInterval ms, the client
 * sends {"type":"ping","id":N} (N from the requests' ids). Any message counts as an answer: the
 * server's {"type":"pong","id":N}, its error reply to an unknown type, or anything else. When
 * nothing arrives within pingTimeout ms after the ping, the connection is taken as dead: the
 * socket is closed (1000 'server timeout'), ':close' is raised at once (code 1006, reason
 * 'server timeout'), requests sent on it reject with 'closed', and reconnect goes on as after any
 * drop. One timer per client, stopped while not open. pingInterval 0 turns this off.
 *
 * Reconnect: after a drop (never after close()), wait a random time in
 * [0, min(maxDelay, minDelay * 2^attempt)) ("full jitter"), then try again. The attempt count
 * starts at 0 and goes back to 0 once a connection has stayed open for 5 s, so a server that
 * accepts and drops at once is not hammered.
 */
(function (root, factory) {
  'use strict';
  const EmbedWs = factory();
  if (typeof module === 'object' && module && module.exports) {
    module.exports = EmbedWs;
  } else {
    root.EmbedWs = EmbedWs;
  }
})(typeof globalThis !== 'undefined' ? globalThis : this, function () {
  'use strict';

  const DEFAULTS = {
    reconnect: true, minDelay: 250, maxDelay: 10000, requestTimeout: 10000, maxQueue: 100,
    pingInterval: 15000, pingTimeout: 10000,
  };
  const STABLE_MS = 5000; // open this long and the backoff starts again from minDelay
  const OPEN = 1;         // WebSocket.OPEN

  // A clock that system time changes do not move, where there is one.
  const now = typeof performance !== 'undefined' && performance.now ? () => performance.now() : () => Date.now();

  function failure(code, message) {
    const error = new Error(message);
    error.code = code;
    return error;
  }

  class EmbedWs {
    constructor(url, options) {
      this.url = url;
      this.options = Object.assign({}, DEFAULTS, options);
      this.state = 'connecting';
      this.socket = null;
      this._WebSocket = this.options.WebSocket || (typeof WebSocket !== 'undefined' ? WebSocket : null);
      if (!this._WebSocket) {
        throw new Error('No WebSocket: pass options.WebSocket (e.g. require("ws")).');
      }

      this._handlers = new Map();   // name -> [fn]
      this._pending = new Map();    // request id -> { resolve, reject, timer, sent }
      this._queue = [];             // { text, id } waiting for open
      this._nextId = 1;
      this._attempt = 0;
      this._retryTimer = null;
      this._openedAt = 0;
      this._watchTimer = null;      // the server timeout's one timer, while open
      this._receivedAt = 0;         // now() of the last message from the server (or of the open)
      this._pingedAt = 0;           // now() of our unanswered ping; 0 when none is out
      this._connect();
    }

    on(name, fn) {
      if (typeof fn !== 'function') {
        throw new TypeError('on(name, fn): fn must be a function');
      }

      const list = this._handlers.get(name) || [];
      list.push(fn);
      this._handlers.set(name, list);
      return () => this.off(name, fn);
    }

    off(name, fn) {
      const list = this._handlers.get(name);
      const at = list ? list.indexOf(fn) : -1;
      if (at >= 0) {
        list.splice(at, 1);
      }
    }

    send(type, data) {
      this._post({ type: type, data: data });
    }

    request(type, data) {
      return new Promise((resolve, reject) => {
        const id = this._nextId++;
        const timer = setTimeout(() => {
          this._pending.delete(id);
          this._queue = this._queue.filter(item => item.id !== id); // not sent yet: never will be
          reject(failure('timeout', 'timeout'));
        }, this.options.requestTimeout);
        this._pending.set(id, { resolve: resolve, reject: reject, timer: timer, sent: false });
        try {
          this._post({ type: type, id: id, data: data });
        } catch (error) {
          this._settle(id, null, error);
        }
      });
    }

    close(code, reason) {
      if (this.state === 'closed') {
        return;
      }

      clearTimeout(this._retryTimer);
      this._retryTimer = null;
      this._unwatch();
      this._rejectPending(false);
      this._queue = [];
      this._setState('closed');
      if (this.socket) {
        this.socket.close(code || 1000, reason);
      }
    }

    _post(envelope) {
      if (this.state === 'closed') {
        throw failure('closed', 'closed');
      }

      const text = JSON.stringify(envelope);
      if (this.state === 'open' && this.socket && this.socket.readyState === OPEN) {
        this._write(text, envelope.id);
      } else if (this._queue.length >= this.options.maxQueue) {
        throw failure('queue_full', 'queue full (' + this.options.maxQueue + ' messages wait for the connection)');
      } else {
        this._queue.push({ text: text, id: envelope.id });
      }
    }

    _write(text, id) {
      this.socket.send(text);
      const pending = id === undefined ? null : this._pending.get(id);
      if (pending) {
        pending.sent = true;
      }
    }

    _connect() {
      const socket = new this._WebSocket(this.url, this.options.protocols);
      socket.binaryType = 'arraybuffer';
      this.socket = socket;
      socket.onopen = event => {
        if (socket !== this.socket) {
          return;
        }

        // Open first (so the queue can be written), then the queue, then the handlers: what
        // they send goes after what waited.
        const previous = this.state;
        this._openedAt = Date.now();
        this.state = 'open';
        const queued = this._queue;
        this._queue = [];
        queued.forEach(item => this._write(item.text, item.id));
        this._watch(true);
        this._emit(':state', 'open', previous);
        this._emit(':open', event);
      };
      socket.onmessage = event => {
        if (socket === this.socket) {
          this._receivedAt = now();
          this._receive(event.data);
        }
      };
      socket.onerror = event => {
        if (socket === this.socket) {
          this._emit(':error', event);
        }
      };
      socket.onclose = event => this._closed(socket, event);
    }

    _closed(socket, event) {
      if (socket !== this.socket) {
        return;
      }

      this.socket = null;
      this._unwatch();
      this._rejectPending(true);
      this._emit(':close', event);
      if (this.state === 'closed') {
        return; // close() was called
      }

      if (!this.options.reconnect) {
        this._rejectPending(false);
        this._queue = [];
        this._setState('closed');
        return;
      }

      if (this._openedAt && Date.now() - this._openedAt >= STABLE_MS) {
        this._attempt = 0;
      }

      this._openedAt = 0;
      this._setState('reconnecting');
      const cap = Math.min(this.options.maxDelay, this.options.minDelay * Math.pow(2, Math.min(this._attempt++, 30)));
      this._retryTimer = setTimeout(() => {
        this._retryTimer = null;
        if (this.state === 'reconnecting') {
          this._connect();
        }
      }, Math.random() * cap);
    }

    // The server timeout. Messages only stamp _receivedAt; this one timer looks at the stamp when
    // it fires, so a busy connection costs no timer calls per message.
    _watch(opened) {
      const interval = this.options.pingInterval;
      if (!(interval > 0)) {
        return;
      }

      const t = now();
      if (opened) {
        this._receivedAt = t;
        this._pingedAt = 0;
      }

      if (this._pingedAt && this._receivedAt >= this._pingedAt) {
        this._pingedAt = 0; // answered (by anything)
      }

      let wait;
      if (this._pingedAt) {
        wait = this._pingedAt + this.options.pingTimeout - t;
        if (wait <= 0) {
          this._timedOut();
          return;
        }
      } else {
        wait = this._receivedAt + interval - t;
        if (wait <= 0) {
          this._pingedAt = t;
          this.socket.send(JSON.stringify({ type: 'ping', id: this._nextId++ }));
          wait = this.options.pingTimeout;
        }
      }

      this._watchTimer = setTimeout(() => {
        this._watchTimer = null;
        if (this.state === 'open' && this.socket && this.socket.readyState === OPEN) {
          this._watch(false);
        }
      }, wait);
    }

    _unwatch() {
      clearTimeout(this._watchTimer);
      this._watchTimer = null;
      this._pingedAt = 0;
    }

    _timedOut() {
      // A dead peer may never finish a close handshake: let the socket go now and act as if it
      // had closed; its own close event, whenever it comes, is ignored (socket !== this.socket).
      const socket = this.socket;
      try {
        socket.close(1000, 'server timeout');
      } catch (e) {
        // Closing a dead socket may throw on some runtimes; it is dropped either way.
      }

      this._closed(socket, { type: 'close', code: 1006, reason: 'server timeout', wasClean: false });
    }

    _receive(raw) {
      let message = null;
      if (typeof raw === 'string') {
        try {
          message = JSON.parse(raw);
        } catch (e) {
          message = null;
        }
      }

      if (!message || typeof message !== 'object' || typeof message.type !== 'string') {
        this._emit(':raw', raw);
        return;
      }

      if (message.type === 'ping') {
        // JSON heartbeat: echo the id; never seen by handlers.
        const pong = message.id === undefined ? { type: 'pong' } : { type: 'pong', id: message.id };
        this.socket.send(JSON.stringify(pong));
        return;
      }

      const isError = message.type === 'error';
      const error = isError ? (message.error || {}) : null;
      if (message.id !== undefined && message.id !== null) {
        if (this._pending.has(message.id)) {
          this._settle(message.id, message.data, isError ? failure(error.code, error.message) : null);
        }

        return; // a reply, maybe to a request that timed out
      }

      this._emit(message.type, isError ? error : message.data, message);
    }

    _settle(id, data, error) {
      const pending = this._pending.get(id);
      if (!pending) {
        return;
      }

      this._pending.delete(id);
      clearTimeout(pending.timer);
      if (error) {
        pending.reject(error);
      } else {
        pending.resolve(data);
      }
    }

    // onlySent: the socket closed, so requests it carried cannot be answered; queued ones wait.
    _rejectPending(onlySent) {
      for (const [id, pending] of Array.from(this._pending)) {
        if (!onlySent || pending.sent) {
          this._settle(id, null, failure('closed', 'connection closed'));
        }
      }
    }

    _setState(state) {
      const previous = this.state;
      if (previous !== state) {
        this.state = state;
        this._emit(':state', state, previous);
      }
    }

    _emit(name, a, b) {
      const list = this._handlers.get(name);
      if (!list) {
        return;
      }

      list.slice().forEach(fn => {
        try {
          fn(a, b);
        } catch (error) {
          setTimeout(() => { throw error; });
        }
      });
    }
  }

  return EmbedWs;
});
