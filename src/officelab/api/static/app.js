// OfficeLab's workbench: a client of the REST API (the same library as the CLI). Every text from the lab, the
// site or a user is put on the page as text (textContent), never as markup.
"use strict";

const state = { token: sessionStorage.getItem("officelab.token"), me: null, lab: null, map: null, graph: null, consoles: [] };

// ------------------------------------------------------------------ helpers
function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else if (key === "class") node.className = value;
    else node.setAttribute(key, value);
  }
  for (const child of children.flat()) if (child !== null && child !== undefined) node.append(child instanceof Node ? child : String(child));
  return node;
}

async function api(method, path, body) {
  const sep = path.includes("?") ? "&" : "?";
  const response = await fetch(`${path}${sep}lang=${LANG}`, {
    method,
    headers: { Authorization: `Bearer ${state.token}`, ...(body ? { "Content-Type": "application/json" } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  if (response.status === 401) { logout(); throw new Error("401"); }
  if (!response.ok) {
    let detail = response.statusText;
    try { detail = (await response.json()).detail; } catch (_) { /* not JSON */ }
    throw new Error(typeof detail === "string" ? detail : JSON.stringify(detail));
  }
  return response;
}
const getJSON = async (path) => (await api("GET", path)).json();

function say(text, kind = "ok") {
  const box = document.getElementById("message");
  box.textContent = text;
  box.className = `message ${kind}`;
}
async function busy(text, job) {
  const bar = document.getElementById("busy");
  document.getElementById("busy-text").textContent = text;
  bar.hidden = false;
  try { return await job(); } catch (error) { say(error.message, "error"); return undefined; } finally { bar.hidden = true; }
}
function download(blob, name) {
  const link = el("a", { href: URL.createObjectURL(blob), download: name });
  document.body.append(link); link.click(); link.remove();
}

// ------------------------------------------------------------------ login and frame
async function login(event) {
  event.preventDefault();
  const name = document.getElementById("login-name").value;
  const password = document.getElementById("login-password").value;
  const response = await fetch("/api/login", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ name, password }) });
  if (!response.ok) { document.getElementById("login-error").textContent = (await response.json()).detail; return; }
  state.token = (await response.json()).token;
  sessionStorage.setItem("officelab.token", state.token);
  await enter();
}

function logout() {
  if (state.token) fetch("/api/logout", { method: "POST", headers: { Authorization: `Bearer ${state.token}` } });
  sessionStorage.removeItem("officelab.token");
  state.token = null;
  for (const c of state.consoles) c.socket.close();
  document.getElementById("app").hidden = true;
  document.getElementById("login").hidden = false;
}

async function enter() {
  try { state.me = await getJSON("/api/me"); } catch (_) { logout(); return; }
  document.getElementById("who").textContent = `${state.me.name} (${state.me.role})`;
  for (const node of document.querySelectorAll(".trainer-only")) node.hidden = state.me.role !== "trainer";
  if (state.me.role === "trainer") {
    const sites = await getJSON("/api/sites");
    document.getElementById("site-select").replaceChildren(...sites.map((s) => el("option", { value: s.name }, s.name)));
    document.getElementById("new-lab").value = "default";
  }
  await loadLabs(new URLSearchParams(location.search).get("lab") || undefined);  // ?lab=NAME opens that lab
  // shown only once filled in: nothing typed early is overwritten
  document.getElementById("login").hidden = true;
  document.getElementById("app").hidden = false;
  show("topology");
}

async function loadLabs(choose) {
  const labs = await getJSON("/api/labs");
  const names = labs.map((l) => l.name);
  if (state.me.role !== "trainer" && state.me.lab && !names.includes(state.me.lab)) names.push(state.me.lab);
  const select = document.getElementById("lab-select");
  select.replaceChildren(...names.map((n) => el("option", { value: n }, n)));
  state.lab = (names.includes(choose) ? choose : null) || (names.includes(state.lab) ? state.lab : names[0]) || null;
  if (state.lab) select.value = state.lab;
}

function show(view) {
  for (const section of document.querySelectorAll(".view")) section.hidden = section.id !== `view-${view}`;
  for (const tab of document.querySelectorAll("#tabs button")) tab.classList.toggle("active", tab.dataset.view === view);
  state.view = view;
  const load = { topology: loadMap, consoles: fillConsoleNodes, recette: async () => {}, exercise: loadExercise, desk: loadDesk, class: loadClasses }[view];
  load().catch((error) => say(error.message, "error"));
}

// ------------------------------------------------------------------ topology
async function loadMap() {
  const details = document.getElementById("details");
  const stateLabel = document.getElementById("lab-state");
  state.mapReady = false;  // until the drawing below is done (a click before would land on the old one)
  if (!state.lab) { stateLabel.textContent = t("lab.none"); return; }
  let map;
  try { map = await getJSON(`/api/labs/${encodeURIComponent(state.lab)}/map`); } catch (error) { stateLabel.textContent = error.message; return; }
  state.map = map;
  stateLabel.textContent = `${map.site} — ${t(map.state)}`;
  document.getElementById("legend").replaceChildren(...legendItems(map).map((i) => el("span", {}, el("i", { style: `background:${i.colour}` }), i.text)));
  // a redraw of the same drawing (a cable pulled, a refresh) keeps the technician's zoom and pan
  const same = `${map.lab}/${map.site}/${map.nodes.length}`;
  const view = state.graph && state.graph.scratch("drawing") === same ? { zoom: state.graph.zoom(), pan: { ...state.graph.pan() } } : null;
  if (state.graph) state.graph.destroy();
  state.graph = drawTopology(document.getElementById("map"), map, showNode, showLink);
  state.graph.scratch("drawing", same);
  if (view) state.graph.viewport(view);
  document.getElementById("map").dataset.nodes = String(map.nodes.length);
  details.replaceChildren(el("p", {}, t("map.hint")));
  state.mapReady = true;
  state.mapReadyAt = performance.now();  // since the navigation started: bench/web.py's first paint
}

function rows(headings, lines) {
  return el("table", {}, el("tr", {}, headings.map((h) => el("th", {}, h))), lines.map((line) => el("tr", {}, line.map((c) => el("td", {}, c ?? "")))));
}

function showNode(node) {
  const parts = [
    el("h2", {}, node.name),
    el("p", {}, `${t("node.kind")} : ${node.kind} — ${t("node.state")} : ${t(node.state)}`),
    node.description ? el("p", { class: "muted" }, node.description) : null,
    el("button", { class: "primary", id: "node-console", onclick: () => { show("consoles"); openConsole(node.name); } }, t("node.console")), " ",
    el("button", { id: "node-recette", onclick: () => { show("recette"); runRecette(node.name).catch((e) => say(e.message, "error")); } }, t("node.recette")),
  ];
  if (node.addresses.length) parts.push(el("h3", {}, t("node.addresses")), rows(["if", "IP"], node.addresses.map((a) => [a.ifname, a.address])));
  if (node.interfaces.length) {
    parts.push(el("h3", {}, t("node.design")), rows(["if", "IP", "gw", "VLAN"], node.interfaces.map((i) => [i.name, i.address || (i.dhcp ? "DHCP" : "—"), i.gateway, i.vlan])));
  }
  const cables = state.map.links.filter((l) => [l.a, l.b].some((end) => end.split(":")[0] === node.name));
  if (cables.length) {
    parts.push(el("h3", {}, t("link.title")), ...cables.map((l) => el("button", { class: "cable", onclick: () => showLink(l) }, `${l.a} ↔ ${l.b} (${t(l.state)})`)));
  }
  const daemons = Object.entries(node.daemons);
  if (daemons.length) parts.push(el("h3", {}, t("node.daemons")), rows(["", ""], daemons.map(([name, s]) => [name, s])));
  if (node.ports.length) {
    parts.push(el("h3", {}, t("node.ports")),
      rows(["port", t("port.mode"), t("port.vlan"), t("port.peer")], node.ports.map((p) => [p.name + (p.shutdown ? " (shutdown)" : ""), p.mode, p.mode === "trunk" ? p.vlans.join(",") : p.vlan, p.peer])));
  }
  document.getElementById("details").replaceChildren(...parts.filter(Boolean));
}

function showLink(link) {
  const trainer = state.me.role === "trainer";
  const parts = [
    el("h2", {}, `${t("link.title")} ${link.a} ↔ ${link.b}`),
    el("p", {}, `${t("link.state")} : ${t(link.state)} — ${link.trunk ? t("link.trunk") : t("link.access")} — ${t("link.vlans")} ${link.vlans.join(", ") || "—"}`),
  ];
  if (trainer) {
    const plug = link.state !== "up";
    parts.push(el("button", { id: "link-toggle", class: plug ? "primary" : "danger", onclick: () => setCable(link, plug) }, t(plug ? "link.plug" : "link.pull")), " ");
  }
  parts.push(el("button", { id: "link-capture", onclick: () => capture(link) }, t("link.capture")));
  document.getElementById("details").replaceChildren(...parts);
}

async function setCable(link, up) {
  // name the cable by its device's end when one end is a switch's port (the lab pulls it at the switch)
  const kind = (end) => state.map.nodes.find((n) => n.name === end.split(":")[0])?.kind;
  const end = ["switch", "access-point"].includes(kind(link.a)) ? link.b : link.a;
  await busy(t(up ? "link.plug" : "link.pull"), async () => {
    await api("POST", `/api/labs/${encodeURIComponent(state.lab)}/links/${encodeURIComponent(end)}`, { up });
    say(t(up ? "link.plugged" : "link.pulled", { end }));
    await loadMap();
    showLink(state.map.links.find((l) => l.a === link.a && l.b === link.b));
  });
}

async function capture(link) {
  await busy(t("link.capture"), async () => {
    const response = await api("GET", `/api/labs/${encodeURIComponent(state.lab)}/ports/${encodeURIComponent(link.a)}/capture?seconds=5&count=1000`);
    const file = `${state.lab}-${link.a.replace(":", "-")}.pcap`;
    download(await response.blob(), file);
    say(t("link.captured", { file, what: response.headers.get("X-Captured") || "" }));
  });
}

// ------------------------------------------------------------------ consoles
async function fillConsoleNodes() {
  const select = document.getElementById("console-node");
  if (!state.lab) return;
  if (!state.map || state.map.lab !== state.lab) {
    try { state.map = await getJSON(`/api/labs/${encodeURIComponent(state.lab)}/map`); } catch (_) { return; }
  }
  const names = state.map.nodes.map((n) => n.name);
  const kept = select.value;
  select.replaceChildren(...names.map((n) => el("option", { value: n }, n)));
  if (names.includes(kept)) select.value = kept;
}

/** A terminal in the page on the node's console websocket; ``watch``: a learner's open console, read-only. */
function openConsole(node, lab = state.lab, watch = false) {
  const term = new Terminal({ cursorBlink: !watch, fontSize: 13, fontFamily: "DejaVu Sans Mono, monospace", scrollback: 5000, disableStdin: watch });
  const fit = new FitAddon.FitAddon();
  term.loadAddon(fit);
  const screen = el("div", { class: "screen" });
  const title = `${lab} / ${node}${watch ? ` (${t("console.watch")})` : ""}`;
  const box = el("div", { class: "term", "data-node": node, "data-lab": lab },
    el("header", {}, el("span", {}, title), " ", el("button", { onclick: () => socket.close() }, "×")), screen);
  document.getElementById("terminals").prepend(box);
  term.open(screen);
  fit.fit();
  const proto = location.protocol === "https:" ? "wss" : "ws";
  const socket = new WebSocket(`${proto}://${location.host}/api/labs/${encodeURIComponent(lab)}/nodes/${encodeURIComponent(node)}/console`);
  socket.binaryType = "arraybuffer";
  socket.onopen = () => socket.send(JSON.stringify({ token: state.token, cols: term.cols, rows: term.rows, watch }));
  socket.onmessage = (event) => term.write(typeof event.data === "string" ? event.data : new Uint8Array(event.data));
  socket.onclose = (event) => {
    term.write(`\r\n${t("console.closed", { why: event.reason || event.code })}\r\n`);
    state.consoles = state.consoles.filter((c) => c.socket !== socket);
    setTimeout(() => box.remove(), event.code === 1000 ? 1500 : 8000);
  };
  if (!watch) {
    term.onData((data) => socket.readyState === WebSocket.OPEN && socket.send(data));
    term.onResize(({ cols, rows }) => socket.readyState === WebSocket.OPEN && socket.send(JSON.stringify({ resize: [cols, rows] })));
    term.attachCustomKeyEventHandler((e) => {
      if (e.type !== "keydown" || !e.ctrlKey || !e.shiftKey) return true;
      if (e.code === "KeyC") { navigator.clipboard.writeText(term.getSelection()); return false; }
      if (e.code === "KeyV") { navigator.clipboard.readText().then((text) => term.paste(text)); return false; }
      return true;
    });
  }
  new ResizeObserver(() => fit.fit()).observe(screen);
  state.consoles.push({ node, lab, term, socket });
  term.focus();
  return term;
}

// ------------------------------------------------------------------ recette
/** Run the recette (``node``: that node's checks and what they need) and show it check by check as it streams. */
async function runRecette(node) {
  const target = document.getElementById("recette");
  target.dataset.done = "";
  document.getElementById("recette-scope").textContent = node ? t("recette.of", { node }) : "";
  const counts = { pass: 0, fail: 0, blocked: 0 };
  const competencies = await getJSON("/api/criteria");
  const groups = {};  // criterion → its <details>, list and counts
  const sections = competencies.map((c) => {
    const section = el("div", { class: "competency", hidden: "" }, el("h3", {}, `${c.id} ${c.title}`));
    for (const k of c.criteria) {
      const summary = el("summary", {});
      const box = el("details", { hidden: "", "data-criterion": k.id }, summary, el("ul", {}));
      groups[k.id] = { box, summary, list: box.lastChild, section, title: `${k.id} ${k.title}`, pass: 0, total: 0 };
      section.append(box);
    }
    return section;
  });
  const problems = el("ul", { id: "recette-problems" });
  const unfiled = el("ul", {});
  target.replaceChildren(el("div", { class: "recette" }, el("div", { class: "card problems" }, problems), sections, unfiled));
  const line = document.getElementById("recette-counts");
  const refresh = () => line.replaceChildren(el("span", { class: "counts" }, ["pass", "fail", "blocked"].map((s) => el("b", {}, `${counts[s]} ${t(s)}`))));
  const item = (check) => {
    const li = el("li", { class: `check ${check.status}`, "data-check": check.id }, `${check.id} — ${check.title}`);
    if (check.status !== "pass" && check.cause) li.append(el("span", { class: "cause" }, check.cause));
    if (check.blocked_by && !check.cause) li.append(el("span", { class: "cause" }, `${t("recette.blocked_by")} ${check.blocked_by}`));
    return li;
  };
  const add = (check) => {
    counts[check.status] = (counts[check.status] || 0) + 1;
    if (check.status !== "pass") problems.append(item(check));
    const placed = (check.criteria || []).filter((k) => groups[k]);
    for (const k of placed) {
      const g = groups[k];
      g.list.append(item(check));
      g.total += 1;
      g.pass += check.status === "pass" ? 1 : 0;
      const mark = g.pass === g.total ? "✔" : "✘";
      g.summary.textContent = `${mark} ${g.title} — ${g.pass}/${g.total}`;
      g.box.classList.toggle("failing", g.pass !== g.total);
      g.box.hidden = false;
      g.section.hidden = false;
    }
    if (!placed.length) unfiled.append(item(check));
    refresh();
    line.append(" ", t("recette.running", { n: counts.pass + counts.fail + counts.blocked }));
  };
  refresh();
  const scope = node ? `?node=${encodeURIComponent(node)}` : "";
  const response = await api("GET", `/api/labs/${encodeURIComponent(state.lab)}/recette/stream${scope}`);
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    buffer += value;
    let end;
    while ((end = buffer.indexOf("\n\n")) >= 0) {
      const block = buffer.slice(0, end);
      buffer = buffer.slice(end + 2);
      const kind = /^event: (\w+)/m.exec(block)?.[1];
      const data = JSON.parse(/^data: (.*)$/m.exec(block)?.[1] || "{}");
      if (kind === "check") add(data);
      else if (kind === "done") finishRecette(data, line, refresh, unfiled);
      else if (kind === "error") { say(data.detail, "error"); target.dataset.done = "error"; }
    }
  }
}

function finishRecette(report, line, refresh, unfiled) {
  refresh();
  line.append(" — ", t("recette.done", { s: report.duration }), report.ok ? " ✔" : " ✘");
  if (report.not_built && report.not_built.length) {
    unfiled.append(el("li", {}, el("strong", {}, t("recette.not_built"))), report.not_built.map((n) => el("li", { class: "check" }, `${n.id} — ${n.title} : ${n.why}`)));
  }
  // the bottom-up localisation of each root cause, under its check: where, why, what to do
  for (const [id, found] of Object.entries(report.localised || {})) {
    for (const li of document.querySelectorAll(`li.check[data-check="${CSS.escape(id)}"]`)) {
      li.append(el("span", { class: "cause root-cause" }, `⇒ ${found.where} : ${found.cause} — ${found.fix}`));
    }
  }
  for (const box of document.querySelectorAll("#recette details.failing")) box.open = true;
  const problems = document.getElementById("recette-problems");
  if (!problems.children.length) problems.parentElement.hidden = true;
  const recette = document.getElementById("recette");
  recette.dataset.done = report.ok ? "ok" : "failed";
}

async function printableReport() {
  await busy(t("recette.running", { n: "…" }), async () => {
    const response = await api("GET", `/api/labs/${encodeURIComponent(state.lab)}/recette?format=html`);
    window.open(URL.createObjectURL(new Blob([await response.text()], { type: "text/html" })), "_blank");
  });
}

// ------------------------------------------------------------------ exercise
async function loadExercise() {
  const box = document.getElementById("exercise");
  box.replaceChildren();
  if (!state.lab && state.me.role === "trainer") return;
  const lab = state.lab || state.me.lab;
  let brief = null;
  try { brief = await getJSON(`/api/labs/${encodeURIComponent(lab)}/exercise`); } catch (_) { /* none running */ }
  if (!brief) { box.replaceChildren(await scenarioChooser(lab)); return; }
  const goals = el("ul", { id: "goals" }, brief.goals.map(([title, points]) => el("li", { class: "goal" }, `${title} (${points} ${t("ex.points")})`)));
  const result = el("p", { id: "check-result" });
  const hints = el("div", { id: "hints" });
  const limit = brief.time_limit ? parseLimit(brief.time_limit) : null;
  const clock = el("p", { id: "clock" }, limit ? t("ex.left", { m: Math.max(0, Math.round(limit - brief.minutes)) }) : t("ex.time", { m: Math.round(brief.minutes) }));
  const journal = el("div", { class: "journal", id: "journal" });
  box.replaceChildren(
    el("div", { class: "card" }, el("h2", {}, brief.title), el("pre", {}, brief.text), clock),
    el("div", { class: "card" }, el("h3", {}, t("ex.goals")), goals, result,
      el("button", { class: "primary", id: "exercise-check", onclick: () => checkWork(lab, goals, result) }, t("ex.check")), " ",
      el("button", { id: "exercise-hint", onclick: () => nextHint(lab, hints) }, t("ex.hint")), " ",
      el("span", { class: "muted" }, t("ex.hints_left", { n: brief.hints_left })), " ",
      el("button", { id: "exercise-submit", onclick: () => busy(t("ex.submit"), async () => { await api("POST", `/api/labs/${encodeURIComponent(lab)}/exercise/submit`); say(t("ex.submitted")); }) }, t("ex.submit")),
      hints),
    el("div", { class: "card" }, el("h3", {}, t("ex.journal"), " ", el("button", { id: "journal-refresh", onclick: () => loadJournal(lab, journal) }, t("refresh"))), journal),
  );
  await loadJournal(lab, journal);
}

function parseLimit(text) {
  const match = /^(\d+)\s*([hm]?)/.exec(text);
  return match ? Number(match[1]) * (match[2] === "h" ? 60 : 1) : null;
}

async function scenarioChooser(lab) {
  const scenarios = await getJSON("/api/scenarios");
  const select = el("select", { id: "scenario-select" }, scenarios.map((s) => el("option", { value: s.id }, `${s.id} — ${s.title} (${s.duration})`)));
  const start = async () => {
    await busy(t("ex.starting", { id: select.value }), async () => {
      await api("POST", `/api/labs/${encodeURIComponent(lab)}/exercise/start`, { scenario: select.value });
      await loadLabs(lab);
      await loadExercise();
    });
  };
  return el("div", { class: "card" }, el("p", {}, t("ex.none")), el("label", {}, t("ex.choose"), " ", select), " ",
    el("button", { class: "primary", id: "exercise-start", onclick: start }, t("ex.start")));
}

async function checkWork(lab, goals, result) {
  await busy(t("ex.check"), async () => {
    const states = await (await api("POST", `/api/labs/${encodeURIComponent(lab)}/exercise/check`)).json();
    goals.replaceChildren(...states.map((g) => el("li", { class: `goal${g.reached ? " reached" : ""}`, "data-goal": g.id }, g.title)));
    result.textContent = t("ex.reached", { n: states.filter((g) => g.reached).length, t: states.length });
  });
}

async function nextHint(lab, hints) {
  await busy(t("ex.hint"), async () => {
    const hint = await (await api("POST", `/api/labs/${encodeURIComponent(lab)}/exercise/hint`)).json();
    hints.append(el("p", {}, `${hint.number}. ${hint.text} (−${hint.cost} ${t("ex.points")})`));
  });
}

async function loadJournal(lab, box) {
  try {
    const entries = await getJSON(`/api/labs/${encodeURIComponent(lab)}/journal`);
    box.replaceChildren(...entries.map((e) => el("div", { class: "entry" }, `${new Date(e.ts * 1000).toLocaleTimeString()} ${e.node}$ ${e.command}`)));
  } catch (error) { box.textContent = error.message; }
}

// ------------------------------------------------------------------ class (trainer)
async function loadClasses() {
  const classes = await getJSON("/api/classes");
  const select = document.getElementById("class-select");
  const kept = select.value;
  select.replaceChildren(...classes.map((c) => el("option", { value: c.name }, `${c.name} (${c.scenario})`)));
  if (classes.some((c) => c.name === kept)) select.value = kept;
  if (!classes.length) { document.getElementById("class-table").replaceChildren(el("tr", {}, el("td", {}, t("class.none")))); return; }
  await loadClass(select.value);
}

async function loadClass(name) {
  const learners = await getJSON(`/api/classes/${encodeURIComponent(name)}`);
  const heads = ["learner", "up", "goals", "score", "last", "commands", "hints", "submitted"].map((k) => el("th", {}, t(`class.${k}`)));
  const table = document.getElementById("class-table");
  table.replaceChildren(el("tr", {}, heads, el("th", {}, "")), ...learners.map((r) => el("tr", { "data-learner": r.learner },
    el("td", {}, r.learner), el("td", {}, r.up ? t("up") : t("down")), el("td", {}, `${r.reached}/${r.goals}`), el("td", {}, r.score || "—"),
    el("td", {}, r.last_activity ? t("ago", { m: Math.round((Date.now() / 1000 - r.last_activity) / 60) }) : "—"),
    el("td", {}, r.commands), el("td", {}, r.hints), el("td", {}, r.submitted ? t("yes") : t("no")),
    el("td", {}, el("button", { class: "watch", onclick: () => watchLearner(r.learner) }, t("class.watch")), " ",
      el("button", { class: "fault", onclick: () => faultForm(r.learner) }, t("class.fault"))))));
}

async function watchLearner(learner) {
  const open = await getJSON(`/api/labs/${encodeURIComponent(learner)}/consoles`);
  if (!open.length) { say(t("class.no_console", { learner }), "error"); return; }
  show("consoles");
  openConsole(open[open.length - 1].node, learner, true);
}

async function faultForm(lab) {
  const catalogue = await getJSON("/api/faults/catalogue");
  const kind = el("select", { id: "fault-type" }, catalogue.map((f) => el("option", { value: f.kind }, `${f.kind} — ${LANG === "fr" ? f.title_fr : f.title_en}`)));
  const params = el("input", { id: "fault-params", size: 40, value: "{}" });
  const hidden = el("input", { type: "checkbox", id: "fault-hidden", checked: "" });
  const inject = () => busy(t("class.inject"), async () => {
    const fault = await (await api("POST", `/api/labs/${encodeURIComponent(lab)}/faults`, { type: kind.value, params: JSON.parse(params.value || "{}"), hidden: hidden.checked })).json();
    say(t("class.injected", { id: fault.id, lab }));
  });
  document.getElementById("class-detail").replaceChildren(el("div", { class: "card" }, el("h3", {}, `${t("class.fault")} — ${lab}`), kind, " ",
    el("label", {}, t("class.params"), " ", params), " ", el("label", {}, hidden, t("class.hidden")), " ", el("button", { class: "primary", onclick: inject }, t("class.inject"))));
}

async function exportGrids() {
  const name = document.getElementById("class-select").value;
  if (!name) return;
  const response = await api("GET", `/api/classes/${encodeURIComponent(name)}/grid.csv`);
  download(await response.blob(), `${name}-grilles.csv`);
}

// ------------------------------------------------------------------ wiring
async function labUp() {
  const lab = document.getElementById("new-lab").value.trim() || "default";
  const site = document.getElementById("site-select").value;
  await busy(t("lab.starting", { lab, site }), async () => {
    await api("POST", `/api/labs/${encodeURIComponent(lab)}/up`, { site });
    await loadLabs(lab);
    say(t("lab.started", { lab }));
    await loadMap();
  });
}

async function labDown() {
  if (!state.lab) return;
  await busy(t("lab.stopping", { lab: state.lab }), async () => {
    await api("POST", `/api/labs/${encodeURIComponent(state.lab)}/down`);
    await loadLabs();
    await loadMap();
  });
}

function setLanguage(lang) {
  LANG = lang;
  localStorage.setItem("officelab.lang", lang);
  translatePage();
  if (state.me) show(state.view || "topology");
}

document.getElementById("login-form").addEventListener("submit", login);
document.getElementById("logout").addEventListener("click", logout);
for (const button of document.querySelectorAll(".lang")) button.addEventListener("click", () => setLanguage(button.dataset.lang));
for (const tab of document.querySelectorAll("#tabs button")) tab.addEventListener("click", () => show(tab.dataset.view));
document.getElementById("lab-select").addEventListener("change", (e) => { state.lab = e.target.value; show(state.view); });
document.getElementById("lab-up").addEventListener("click", labUp);
document.getElementById("lab-down").addEventListener("click", labDown);
document.getElementById("map-refresh").addEventListener("click", loadMap);
document.getElementById("console-open").addEventListener("click", () => openConsole(document.getElementById("console-node").value));
document.getElementById("recette-run").addEventListener("click", () => runRecette(null).catch((e) => say(e.message, "error")));
document.getElementById("recette-report").addEventListener("click", printableReport);
document.getElementById("class-refresh").addEventListener("click", loadClasses);
document.getElementById("class-select").addEventListener("change", (e) => loadClass(e.target.value));
document.getElementById("class-export").addEventListener("click", exportGrids);
wireDesk();
translatePage();
if (state.token) enter(); else document.getElementById("login").hidden = false;
