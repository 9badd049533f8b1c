// rapport supervisor page: live rows from server-sent events, one conversation's detail on
// click. Every value from the server goes into the page as text (textContent), never as HTML.
"use strict";

const query = new URLSearchParams(location.search);
const passOn = new URLSearchParams();
for (const name of ["tenants", "token"]) if (query.get(name)) passOn.set(name, query.get(name));
const suffix = passOn.toString() ? "?" + passOn : "";

const HOT = 0.6;
let selected = null;      // {tenant, id}
let rowsByKey = new Map();
const signalsSeen = new Set();

const el = (tag, attrs = {}, ...children) => {
  const node = tag === "svg" || attrs.svg ? document.createElementNS("http://www.w3.org/2000/svg", tag) : document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === "svg") continue;
    if (k === "text") node.textContent = v;
    else if (k === "class") node.setAttribute("class", v);
    else node.setAttribute(k, v);
  }
  for (const child of children) if (child != null) node.append(child);
  return node;
};
const keyOf = (tenant, id) => tenant + "\u001f" + id;
const level = (f) => (f >= HOT ? "level-high" : f >= 0.4 ? "level-mid" : "level-low");
const colour = (f) => (f >= HOT ? "#ef5d5d" : f >= 0.4 ? "#e3a33b" : "#3fb970");
const arrow = { rising: "↑ rising", falling: "↓ falling", steady: "→ steady" };
const clock = (ms) => new Date(ms).toLocaleTimeString([], { hour12: false });
const words = (s) => String(s).replaceAll("_", " ");
// Sequences arrive as decimal strings: cluster sequences exceed 2^53, which a number rounds.
const bySequence = (a, b) => {
  const [x, y] = [BigInt(a.sequence), BigInt(b.sequence)];
  return x < y ? -1 : x > y ? 1 : 0;
};

function sparkline(values, width = 96, height = 24) {
  const svg = el("svg", { class: "spark", width, height, viewBox: `0 0 ${width} ${height}` });
  const y = (v) => (height - 2 - v * (height - 4)).toFixed(1);
  svg.append(el("line", { svg: 1, class: "threshold", x1: 0, x2: width, y1: y(HOT), y2: y(HOT) }));
  if (values.length === 0) return svg;
  const step = values.length > 1 ? (width - 4) / (values.length - 1) : 0;
  const points = values.map((v, i) => `${(2 + i * step).toFixed(1)},${y(v)}`);
  const last = values[values.length - 1];
  svg.append(el("polyline", { svg: 1, points: points.join(" "), stroke: colour(last) }));
  const [cx, cy] = points[points.length - 1].split(",");
  svg.append(el("circle", { svg: 1, cx, cy, r: 2.4, fill: colour(last) }));
  return svg;
}

function renderRows(rows) {
  const body = document.querySelector("#conversations tbody");
  const fresh = new Map();
  body.replaceChildren(...rows.map((row) => {
    const key = keyOf(row.tenant_id, row.conversation_id);
    fresh.set(key, row);
    const last = row.signals[row.signals.length - 1];
    const tr = el("tr", {
      class: "row" + (selected && key === keyOf(selected.tenant, selected.id) ? " selected" : ""),
      "data-tenant": row.tenant_id, "data-conversation": row.conversation_id,
    },
      el("td", { text: row.tenant_id }),
      el("td", { class: "id", text: row.conversation_id }),
      el("td", { text: words(row.channel) }),
      el("td", { class: "num", text: row.customer_turns }),
      el("td", {}, el("div", { class: "frus" },
        el("b", { class: level(row.frustration), text: row.frustration.toFixed(2) }),
        sparkline(row.sparkline))),
      el("td", { class: "trend-" + row.trend, text: arrow[row.trend] || row.trend }),
      el("td", {}, el("span", { class: "badge" + (row.escalated ? " escalated" : ""), text: row.escalated ? "escalated" : "with bot" })),
      el("td", { class: "signals-cell" }, el("div", { class: "sig" }, ...(last ? [
        el("span", { class: "chip kind-" + last.kind, text: words(last.kind) }),
        el("span", { class: "rule", text: last.rule_id + (row.signals.length > 1 ? `  +${row.signals.length - 1}` : "") }),
      ] : [el("span", { class: "empty", text: "—" })]))),
    );
    const before = rowsByKey.get(key);
    if (before && row.signals.length > before.signals.length) tr.classList.add("flash");
    tr.addEventListener("click", () => select(row.tenant_id, row.conversation_id));
    return tr;
  }));
  document.getElementById("empty").hidden = rows.length > 0;
  document.getElementById("stat-live").textContent = rows.length;
  document.getElementById("stat-escalated").textContent = rows.filter((r) => r.escalated).length;
  document.getElementById("stat-hot").textContent = rows.filter((r) => r.frustration >= HOT).length;
  if (selected) {
    const key = keyOf(selected.tenant, selected.id);
    const before = rowsByKey.get(key), now = fresh.get(key);
    if (now && (!before || before.customer_turns !== now.customer_turns || before.signals.length !== now.signals.length)) loadDetail();
  }
  rowsByKey = fresh;
}

function addToFeed(signal) {
  if (signalsSeen.has(signal.id)) return;
  signalsSeen.add(signal.id);
  document.getElementById("stat-signals").textContent = signalsSeen.size;
  document.getElementById("feed-empty").hidden = true;
  const item = el("li", { class: "kind-" + signal.kind, "data-signal": signal.id },
    el("time", { text: clock(signal.emitted_at_ms) }),
    el("span", { class: "where", text: `${signal.tenant_id} / ${signal.conversation_id}` }),
    el("span", { class: "what" },
      el("span", { class: "chip kind-" + signal.kind, text: words(signal.kind) }),
      el("span", { text: signal.explanation })));
  item.addEventListener("click", () => select(signal.tenant_id, signal.conversation_id));
  const feed = document.getElementById("feed");
  feed.prepend(item);
  while (feed.children.length > 100) feed.lastChild.remove();
}

function select(tenant, id) {
  selected = { tenant, id };
  for (const tr of document.querySelectorAll("tr.row")) {
    tr.classList.toggle("selected", tr.dataset.tenant === tenant && tr.dataset.conversation === id);
  }
  loadDetail();
}

async function loadDetail() {
  if (!selected) return;
  const params = new URLSearchParams(passOn);
  params.set("tenant", selected.tenant);
  params.set("id", selected.id);
  const response = await fetch("/supervisor/api/conversation?" + params);
  if (!response.ok) {
    document.getElementById("detail-body").hidden = true;
    document.getElementById("detail-empty").hidden = false;
    document.getElementById("detail-empty").textContent = "That conversation has ended or expired.";
    return;
  }
  renderDetail(await response.json());
}

function timeline(points) {
  const width = 520, height = 120, left = 28, right = 8, top = 8, bottom = 18;
  const svg = el("svg", { viewBox: `0 0 ${width} ${height}`, preserveAspectRatio: "none" });
  const x = (i) => left + (points.length > 1 ? i * (width - left - right) / (points.length - 1) : (width - left - right) / 2);
  const y = (v) => top + (1 - v) * (height - top - bottom);
  for (const v of [0, 0.5, 1]) {
    svg.append(el("line", { svg: 1, x1: left, x2: width - right, y1: y(v), y2: y(v), stroke: "#26313d" }));
    svg.append(el("text", { svg: 1, x: 4, y: y(v) + 3, text: v.toFixed(1) }));
  }
  svg.append(el("line", { svg: 1, x1: left, x2: width - right, y1: y(HOT), y2: y(HOT), stroke: "#5a3a3a", "stroke-dasharray": "4 4" }));
  const series = (key, stroke, dash) => {
    const pts = points.map((p, i) => `${x(i).toFixed(1)},${y(p[key]).toFixed(1)}`).join(" ");
    svg.append(el("polyline", { svg: 1, points: pts, fill: "none", stroke, "stroke-width": 2, "stroke-dasharray": dash || "" }));
  };
  series("turn_frustration", "#8593a3", "3 3");
  series("conversation_frustration", "#ef5d5d");
  points.forEach((p, i) => {
    svg.append(el("circle", { svg: 1, cx: x(i), cy: y(p.conversation_frustration), r: 3, fill: colour(p.conversation_frustration) }));
    svg.append(el("text", { svg: 1, x: x(i) - 3, y: height - 4, text: p.turn_id }));
  });
  return svg;
}

function renderDetail(d) {
  document.getElementById("detail-empty").hidden = true;
  document.getElementById("detail-body").hidden = false;
  document.getElementById("detail-title").textContent = `${d.tenant_id} / ${d.conversation_id}`;
  document.getElementById("detail-summary").textContent = d.summary;
  document.getElementById("detail-timeline").replaceChildren(timeline(d.timeline));
  document.getElementById("detail-signals").replaceChildren(...(d.signals.length ? d.signals.slice().reverse().map((s) => {
    const ev = s.evidence;
    return el("li", { class: "kind-" + s.kind, "data-signal": s.id },
      el("div", {},
        el("span", { class: "chip kind-" + s.kind, text: words(s.kind) + (s.target_channel ? " → " + words(s.target_channel) : "") }),
        el("span", { class: "chip", text: s.priority }),
        el("code", { text: s.rule_id }), " ",
        el("time", { text: `turn ${s.turn_id} · ${clock(s.emitted_at_ms)}` })),
      el("p", { class: "explanation", text: s.explanation }),
      el("div", {}, ...s.reasons.map((r) => el("span", { class: "chip reason", text: words(r) }))),
      el("dl", { class: "evidence" },
        el("dt", { text: "turn frustration" }), el("dd", { text: ev.turn_frustration.toFixed(2) }),
        el("dt", { text: "conversation frustration" }), el("dd", { text: ev.conversation_frustration.toFixed(2) }),
        el("dt", { text: "slope per turn" }), el("dd", { text: ev.frustration_slope.toFixed(3) }),
        el("dt", { text: "negative turns in a row" }), el("dd", { text: ev.consecutive_negative }),
        el("dt", { text: "bot fallbacks in a row" }), el("dd", { text: ev.bot_fallback_streak }),
        el("dt", { text: "cues" }), el("dd", { text: ev.cues.map((c) => `${words(c.kind)}: “${c.text}”`).join("; ") || "—" }),
        el("dt", { text: "turns looked at" }), el("dd", { text: ev.turn_ids.join(", ") })));
  }) : [el("li", { class: "empty", text: "No signal yet." })]));
  document.getElementById("detail-turns").replaceChildren(...d.recent_turns.slice().reverse().map((t) =>
    el("li", { class: t.speaker },
      el("span", { class: "speaker", text: t.speaker }),
      el("span", {}, el("span", { text: t.text }), t.bot_fallback ? el("span", { class: "fallback", text: "fallback" }) : null))));
}

function connect() {
  const source = new EventSource("/supervisor/events" + suffix);
  const conn = document.getElementById("conn");
  source.onopen = () => { conn.textContent = "live"; conn.className = "conn on"; };
  source.onerror = () => { conn.textContent = "reconnecting…"; conn.className = "conn off"; };
  source.addEventListener("snapshot", (e) => {
    const rows = JSON.parse(e.data);
    // Signals fired before the page opened (or while it reconnected) join the feed in order.
    rows.flatMap((r) => r.signals).sort(bySequence).forEach(addToFeed);
    renderRows(rows);
  });
  source.addEventListener("signal", (e) => addToFeed(JSON.parse(e.data)));
}

connect();
