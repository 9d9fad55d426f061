// The EmbedWs dashboard: one WebSocket to the server that served this page, an update about
// once a second, charts drawn on canvas. No library, no build step. Every text the server sends
// that a client chose (paths, groups) is set as text, never as HTML.
'use strict';
(function () {
  const COLORS = ['#2e86de', '#e67e22', '#27ae60', '#8e44ad', '#c0392b', '#16a085'];
  const KEEP = 120;
  const $ = (id) => document.getElementById(id);
  // A token in the address came once: the server answered with a cookie for this path, so the
  // address loses it (no token in history, bookmarks or a shared screen) and the socket uses the cookie.
  const query = new URLSearchParams(location.search);
  if (query.has('token')) {
    query.delete('token');
    history.replaceState(null, '', location.pathname + (query.toString() ? '?' + query : '') + location.hash);
  }
  const base = location.pathname.substring(0, location.pathname.lastIndexOf('/') + 1);
  const url = (location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + base + 'socket';
  let series = [];   // [chart, name] per value of a point, after its time
  let points = [];   // [time, v0, v1, ...]
  let charts = {};   // chart name -> { canvas, legend, lines: [series index] }
  let updates = 0;
  let armed = null;  // the connection id whose close button waits for its second click
  let socket = null;
  let view = { page: 0, pages: 1 };
  let filterTimer = 0;

  function connect() {
    setStatus('connecting');
    socket = new WebSocket(url);
    socket.onopen = () => { setStatus('open'); $('banner').hidden = true; document.body.classList.remove('stale'); };
    socket.onclose = (e) => {
      setStatus('closed');
      $('banner').hidden = false;
      $('banner-text').textContent = (e.code === 1001 ? 'The server stopped.' : 'Disconnected from the server (' + e.code + ').') +
        ' Retrying every 2 s; the figures below are from before.';
      document.body.classList.add('stale');
      setTimeout(connect, 2000);
    };
    socket.onmessage = (e) => receive(JSON.parse(e.data));
  }

  function send(command) { if (socket && socket.readyState === 1) socket.send(JSON.stringify(command)); }

  function setStatus(s) { const el = $('status'); el.textContent = s; el.dataset.state = s; }

  function notice(text) { $('notice').textContent = text; }

  function receive(m) {
    if (m.type === 'update') update(m);
    else if (m.type === 'table') table(m.table);
    else if (m.type === 'group') members(m);
    else if (m.type === 'closed') notice(m.found ? 'closed connection ' + m.id : 'connection ' + m.id + ' was gone');
    else if (m.type === 'error') notice('server: ' + m.message);
  }

  function update(m) {
    if (m.series) { series = m.series; points = []; buildCharts(); fillSorts(m.sorts, m.table.sort); }
    points = points.concat(m.points).slice(-KEEP);
    for (const name in charts) drawChart(charts[name]);
    const t = m.totals;
    $('summary').textContent = t.connections + ' open, ' + t.opened + ' opened, ' + t.closed + ' closed, ' + t.rejected + ' refused';
    drawRtt(m.rtt);
    fillRows($('closes'), m.closes, (row, [code]) => { if (code !== 1000 && code !== 1001) row.className = 'error'; }, 'No closes yet');
    $('causes').textContent = Object.entries(m.causes).map(([k, v]) => k + ' ' + v).join(' · ');
    $('groups-total').textContent = m.groups.total + ' with members' + (m.groups.total > m.groups.rows.length ? ', ' + m.groups.rows.length + ' largest shown' : '');
    fillRows($('groups'), m.groups.rows, (row, [name]) => { row.className = 'pick'; row.title = 'members'; row.onclick = () => send({ type: 'group', data: name }); },
      'No groups with members');
    table(m.table);
    updates++;
    const u = $('updates');
    u.textContent = updates + (updates === 1 ? ' update' : ' updates');
    u.dataset.count = String(updates);
  }

  function buildCharts() {
    const box = $('charts');
    box.textContent = '';
    charts = {};
    series.forEach(([chart], i) => {
      if (!charts[chart]) {
        const panel = document.createElement('div');
        panel.className = 'panel chart';
        panel.dataset.chart = chart;
        const h = document.createElement('h2');
        h.textContent = chart;
        const canvas = document.createElement('canvas');
        canvas.width = 360; canvas.height = 120;
        const legend = document.createElement('div');
        legend.className = 'legend';
        panel.append(h, canvas, legend);
        box.append(panel);
        charts[chart] = { canvas, legend, lines: [] };
      }
      charts[chart].lines.push(i);
    });
  }

  function drawChart(c) {
    const g = c.canvas.getContext('2d'), w = c.canvas.width, h = c.canvas.height, pad = 4;
    g.clearRect(0, 0, w, h);
    let top = 0;
    for (const p of points) for (const i of c.lines) top = Math.max(top, p[i + 1]);
    const max = top > 0 ? top * 1.15 : 1;
    const t0 = points.length ? points[0][0] : 0, t1 = points.length ? points[points.length - 1][0] : 1;
    const x = (t) => pad + (w - 2 * pad) * (t1 > t0 ? (t - t0) / (t1 - t0) : 1);
    const y = (v) => h - pad - (h - 2 * pad) * v / max;
    g.strokeStyle = css('--line'); g.beginPath(); g.moveTo(0, y(0)); g.lineTo(w, y(0)); g.stroke();
    g.fillStyle = css('--dim'); g.font = '10px sans-serif'; g.fillText(format(top), pad, 10);
    c.legend.textContent = '';
    c.lines.forEach((i, k) => {
      g.strokeStyle = COLORS[k % COLORS.length]; g.lineWidth = 1.5; g.beginPath();
      points.forEach((p, j) => { if (j === 0) g.moveTo(x(p[0]), y(p[i + 1])); else g.lineTo(x(p[0]), y(p[i + 1])); });
      g.stroke();
      const item = document.createElement('span');
      const swatch = document.createElement('b');
      swatch.style.background = COLORS[k % COLORS.length];
      const last = points.length ? points[points.length - 1][i + 1] : 0;
      item.append(swatch, series[i][1] + ' ' + format(last));
      item.dataset.series = series[i][1];
      item.dataset.value = String(last);
      c.legend.append(item);
    });
  }

  function drawRtt(rtt) {
    const canvas = $('rtt'), g = canvas.getContext('2d'), w = canvas.width, h = canvas.height;
    g.clearRect(0, 0, w, h);
    const labels = rtt.bounds.map((b) => '≤' + b).concat(['>' + rtt.bounds[rtt.bounds.length - 1]]);
    const max = Math.max(1, ...rtt.counts), bw = w / rtt.counts.length;
    g.font = '10px sans-serif';
    rtt.counts.forEach((n, i) => {
      const bh = (h - 30) * n / max;
      g.fillStyle = '#2e86de'; g.fillRect(i * bw + 2, h - 18 - bh, bw - 4, bh);
      g.fillStyle = css('--dim'); g.fillText(labels[i], i * bw + 2, h - 5);
      if (n) g.fillText(String(n), i * bw + 2, h - 21 - bh);
    });
    const measured = rtt.counts.reduce((a, b) => a + b, 0);
    if (!measured) { g.fillStyle = css('--dim'); g.fillText('no round trip measured yet', w / 2 - 60, h / 2); }
    $('rtt-note').textContent = 'ms, ' + measured + ' measured by ping/pong, ' + rtt.unmeasured + ' not';
  }

  function fillSorts(sorts, current) {
    const select = $('sort');
    select.textContent = '';
    for (const s of sorts) { const o = document.createElement('option'); o.value = o.textContent = s; select.append(o); }
    select.value = current;
  }

  function table(t) {
    view = { page: t.page, pages: Math.max(1, Math.ceil(t.matched / t.pageSize)) };
    const shown = t.filter ? t.matched + ' of ' + t.total + ' match' : t.total + ' open';
    $('connections-total').textContent = shown + (t.matched > t.rows.length ? ', ' + t.rows.length + ' shown by ' + t.sort : '') +
      (t.truncated ? ' (page cut to stay small)' : '');
    $('page-note').textContent = 'page ' + (t.page + 1) + ' of ' + view.pages;
    $('prev').disabled = t.page === 0;
    $('next').disabled = t.page + 1 >= view.pages;
    $('sort').value = t.sort;
    if (document.activeElement !== $('filter')) $('filter').value = t.filter;
    const head = $('connections').tHead;
    if (head.dataset.columns !== t.columns.join() + t.sort) {
      head.textContent = '';
      const tr = head.insertRow();
      t.columns.concat(['']).forEach((c, i) => {
        const th = document.createElement('th');
        const sort = t.columnSorts[i];
        th.textContent = c + (sort && sort === t.sort ? ' ▾' : '');
        if (sort) { th.className = 'pick'; th.title = 'order by ' + sort; th.onclick = () => send({ type: 'sort', data: sort }); }
        tr.append(th);
      });
      head.dataset.columns = t.columns.join() + t.sort;
    }
    const body = $('connections').tBodies[0];
    body.textContent = '';
    if (!t.rows.length) empty(body, t.filter ? 'No connection matches “' + t.filter + '”' : 'No connections yet', t.columns.length + 1);
    for (const row of t.rows) {
      const tr = body.insertRow();
      tr.dataset.id = row[0];
      for (const v of row) { const td = tr.insertCell(); td.textContent = v === null ? '–' : String(v); if (typeof v === 'number') td.className = 'num'; }
      const button = document.createElement('button');
      button.className = armed === row[0] ? 'close confirm' : 'close';
      button.textContent = armed === row[0] ? 'close 1008?' : 'close';
      button.onclick = () => {
        if (armed === row[0]) { send({ type: 'close', id: row[0] }); armed = null; button.disabled = true; }
        else { armed = row[0]; button.className = 'close confirm'; button.textContent = 'close 1008?'; }
      };
      tr.insertCell().append(button);
    }
  }

  function members(m) {
    $('members').hidden = false;
    $('members-title').textContent = m.name;
    $('members-note').textContent = m.total + ' members' + (m.total > m.members.length ? ', first ' + m.members.length + ' by id' : '') +
      ' · click one to find it below';
    fillRows($('members-list'), m.members, (row, [id]) => { row.className = 'pick'; row.onclick = () => filter(String(id)); }, 'No members now');
  }

  function filter(text) { $('filter').value = text; send({ type: 'filter', data: text }); }

  function empty(body, text, span) {
    const td = body.insertRow().insertCell();
    td.colSpan = span; td.className = 'empty'; td.textContent = text;
  }

  function css(name) { return getComputedStyle(document.body).getPropertyValue(name).trim(); }

  function fillRows(tableEl, rows, decorate, none) {
    const body = tableEl.tBodies[0];
    body.textContent = '';
    if (!rows.length && none) empty(body, none, tableEl.tHead.rows[0].cells.length);
    for (const r of rows) {
      const tr = body.insertRow();
      for (const v of r) { const td = tr.insertCell(); td.textContent = String(v); if (typeof v === 'number') td.className = 'num'; }
      if (decorate) decorate(tr, r);
    }
  }

  function format(v) {
    if (v >= 1e6) return (v / 1e6).toFixed(1) + 'M';
    if (v >= 1e4) return (v / 1e3).toFixed(1) + 'k';
    return Math.round(v * 100) / 100 + '';
  }

  $('sort').onchange = (e) => send({ type: 'sort', data: e.target.value });
  $('filter').oninput = () => { clearTimeout(filterTimer); filterTimer = setTimeout(() => filter($('filter').value), 250); };
  $('prev').onclick = () => send({ type: 'page', data: Math.max(0, view.page - 1) });
  $('next').onclick = () => send({ type: 'page', data: view.page + 1 });
  $('members-close').onclick = () => { $('members').hidden = true; };
  connect();
})();
