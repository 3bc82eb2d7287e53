// The service desk view (Assistance): the lab's tickets, one ticket with its thread, SLA clocks and evidence, its
// moves sent with If-Match (the version read), a new ticket, the knowledge base. Uses app.js's el, api, getJSON,
// say, busy and state. Everything a user or the lab wrote is put on the page as text, never as markup.
"use strict";

const desk = { lab: null, setup: null, ticket: null, shown: 0 };
const STATUSES = ["new", "assigned", "in-progress", "pending", "solved", "closed"];
const OPEN_STATUSES = STATUSES.slice(0, 4);
const labPath = (lab) => `/api/labs/${encodeURIComponent(lab)}`;

function when(seconds) {
  if (seconds === null || seconds === undefined) return "—";
  return new Date(seconds * 1000).toLocaleString(LANG === "fr" ? "fr-FR" : "en-GB", { dateStyle: "short", timeStyle: "short" });
}
const priorityBadge = (p) => el("span", { class: `prio prio-${p}`, title: t(`prio.${p}`) }, `P${p} ${t(`prio.${p}`)}`);
const statusText = (s) => t(`status.${s}`);

/** A clock's state as a technician reads it: met, breached, or due when (and paused). */
function clockText(clock, paused, short = false) {
  const used = `${clock.used}/${clock.minutes} min`;
  if (short) return clock.breached ? t("sla.short_breached") : clock.stopped ? t("sla.short_met") : `${paused ? "⏸ " : ""}${when(clock.due)}`;
  if (clock.breached) return t("sla.breached", { due: when(clock.due), used });
  if (clock.stopped) return t("sla.met", { used });
  return t(paused ? "sla.paused" : "sla.running", { due: when(clock.due), used });
}

// ------------------------------------------------------------------ the view and its list
async function loadDesk() {
  const lab = state.lab || state.me.lab;
  const table = document.getElementById("desk-table");
  if (!lab) { table.replaceChildren(el("tr", {}, el("td", {}, t("lab.none")))); return; }
  if (desk.lab !== lab) { desk.ticket = null; deskHint(); }
  desk.lab = lab;
  document.getElementById("desk-lab").textContent = lab;
  const status = document.getElementById("desk-status"), kept = status.value || "open";  // in the current language
  status.replaceChildren(...["open", "all", ...STATUSES].map((s) => el("option", { value: s }, s === "open" || s === "all" ? t(`desk.f_${s}`) : statusText(s))));
  status.value = kept;
  try { desk.setup = await getJSON(`${labPath(lab)}/desk`); } catch (error) { desk.setup = null; say(error.message, "error"); }
  await loadTickets();
  if (desk.ticket) await openTicket(desk.ticket.id);
}

function deskHint() {
  document.getElementById("desk-detail").replaceChildren(el("p", { class: "muted" }, t("desk.hint")));
}

let listRequest = 0;  // filters changed quickly send several requests: only the latest one's answer is drawn

async function loadTickets() {
  const request = ++listRequest;
  const filter = document.getElementById("desk-status").value;
  const query = new URLSearchParams();
  if (filter === "all") query.set("all", "true");
  else if (filter !== "open") query.set("status", filter);
  if (document.getElementById("desk-mine").checked) query.set("mine", "true");
  const found = await getJSON(`${labPath(desk.lab)}/tickets?${query}`);
  if (request !== listRequest) return;  // an older answer arriving after a newer one would show the old filter
  const heads = ["n", "title", "requester", "priority", "status", "assignee", "sla"].map((k) => el("th", {}, t(`desk.${k}`)));
  const line = (tk) => {
    const late = tk.sla.own.breached || tk.sla.resolve.breached;
    return el("tr", { "data-ticket": tk.id, class: `ticket${late ? " late" : ""}${desk.ticket && desk.ticket.id === tk.id ? " chosen" : ""}`,
      onclick: () => openTicket(tk.id).catch((e) => say(e.message, "error")) },
    el("td", {}, tk.id), el("td", {}, tk.title), el("td", {}, tk.requester), el("td", {}, priorityBadge(tk.priority)),
    el("td", { class: "status" }, statusText(tk.status)), el("td", {}, `${tk.level} ${tk.assignee || "—"}`),
    el("td", { class: late ? "breached" : "" }, tk.sla.own.stopped ? clockText(tk.sla.resolve, tk.paused, true) : `${t("desk.own")} ${clockText(tk.sla.own, false, true)}`));
  };
  const table = document.getElementById("desk-table");
  table.dataset.count = String(found.length);
  table.replaceChildren(el("tr", {}, heads), ...(found.length ? found.map(line) : [el("tr", {}, el("td", { colspan: 7 }, t("desk.none")))]));
}

// ------------------------------------------------------------------ one ticket
async function openTicket(id) {
  const response = await api("GET", `${labPath(desk.lab)}/tickets/${id}`);
  desk.ticket = await response.json();
  renderTicket(desk.ticket);
  for (const row of document.querySelectorAll("#desk-table tr.ticket")) row.classList.toggle("chosen", row.dataset.ticket === String(id));
}

function facts(tk) {
  const spent = tk.history.reduce((sum, e) => sum + e.minutes, 0);
  const who = desk.setup && desk.setup.requesters ? desk.setup.requesters.find((u) => u.login === tk.requester) : null;
  const lines = [
    [t("desk.status"), `${statusText(tk.status)} (version ${tk.version})`],
    [t("desk.kind"), `${t(`kind.${tk.kind}`)}, ${tk.category}`],
    [t("desk.requester"), who ? `${tk.requester} (${who.name})` : tk.requester],
    [t("desk.qualif"), el("span", {}, `${tk.urgency} × ${tk.impact} → `, priorityBadge(tk.priority))],
    [t("desk.level"), `${tk.level}, ${tk.assignee || "—"}`],
    [t("desk.own"), clockText(tk.sla.own, false)],
    [t("desk.resolve"), clockText(tk.sla.resolve, tk.paused)],
    [t("desk.nodes"), tk.nodes.join(", ") || "—"],
    [t("desk.checks"), tk.checks.join(", ") || "—"],
    [t("desk.spent"), `${spent} min`],
  ];
  if (tk.satisfaction !== null) lines.push([t("desk.satisfaction"), `${tk.satisfaction}/5`]);
  return el("table", { class: "facts" }, lines.map(([k, v]) => el("tr", {}, el("th", {}, k), el("td", {}, v))));
}

function renderTicket(tk) {
  const late = tk.sla.own.breached || tk.sla.resolve.breached;
  const parts = [
    el("h2", { id: "ticket-title" }, `${t("desk.ticket")} ${tk.id} — ${tk.title}`),
    late ? el("p", { class: "breached" }, t("sla.late")) : null,
    facts(tk),
    tk.description ? el("pre", { class: "said", id: "ticket-description" }, tk.description) : null,
    tk.solution ? el("div", { class: "solution", id: "ticket-solution" }, el("b", {}, t("desk.solution")), " ", tk.solution) : null,
    el("div", { class: "moves", id: "ticket-moves" }, moves(tk)),
    el("h3", {}, t("desk.thread")),
    el("ol", { class: "thread", id: "ticket-thread" }, tk.history.map(threadLine)),
  ];
  const box = document.getElementById("desk-detail");
  box.dataset.status = tk.status;
  box.dataset.version = String(tk.version);
  box.dataset.shown = String(++desk.shown);  // how many times a ticket was shown: a reload is seen even if nothing changed
  box.replaceChildren(...parts.filter(Boolean));
}

function threadLine(e) {
  const head = `${when(e.at)} ${e.author} — ${t(`event.${e.kind}`)}${e.minutes ? ` (${e.minutes} min)` : ""}${e.private ? ` [${t("desk.private")}]` : ""}`;
  const item = el("li", { class: `event ${e.kind}`, "data-kind": e.kind }, el("span", { class: "muted" }, head), e.text ? el("div", {}, e.text) : null);
  if (e.kind === "evidence") item.append(evidence(e.data));
  return item;
}

/** Attached evidence, readable: a recette's counts and failing checks, a diagnosis's finding, the journal's commands. */
function evidence(data) {
  const found = data.evidence || {};
  const box = el("details", { class: "evidence", "data-what": data.what || "" }, el("summary", {}, t(`evidence.${data.what}`)));
  if (data.what === "recette") {
    box.append(el("p", {}, t("evidence.checks", { n: found.checks, s: found.duration })),
      el("p", {}, `${t("evidence.failed")} ${(found.failed || []).join(", ") || "—"}`));
  } else if (data.what === "diagnosis") {
    box.append(el("p", {}, found.found ? `${t("evidence.where")} ${found.where}` : t("evidence.nothing")));
    if (found.probes) box.append(el("pre", {}, JSON.stringify(found.probes, null, 1)));
  } else if (data.what === "journal") {
    const commands = found.commands || [];
    box.append(commands.length ? el("pre", {}, commands.map((c) => `${when(c.at)} ${c.node}$ ${c.command}  [${c.exit}]`).join("\n")) : el("p", {}, t("evidence.no_commands")));
  } else {
    box.append(el("pre", {}, JSON.stringify(found, null, 1)));
  }
  return box;
}

// ------------------------------------------------------------------ the moves
function choice(id, values, label = (v) => v, chosen) {
  const select = el("select", { id }, values.map((v) => el("option", { value: v }, label(v))));
  if (chosen !== undefined) select.value = String(chosen);
  return select;
}
const field = (id, size = 30) => el("input", { id, size });
const minutes = (id) => el("input", { id, type: "number", min: 0, value: 0, class: "minutes" });
const value = (id) => document.getElementById(id).value;
const number = (id) => Number(value(id) || 0);

/** The forms of the moves the ticket's status allows (as the desk's life cycle says), each a button and its fields. */
function moves(tk) {
  const s = tk.status, open = OPEN_STATUSES.includes(s);
  const rows = [];
  const row = (action, fields, body, cls = "") => rows.push(el("div", { class: "move", "data-move": action }, ...fields,
    el("button", { class: cls, "data-action": action, onclick: () => act(action, body()) }, t(`move.${action}`))));
  const five = [1, 2, 3, 4, 5];
  if (["new", "assigned"].includes(s)) row("take", [], () => ({}), "primary");
  if (open) {
    const categories = desk.setup ? desk.setup.categories : [tk.category];
    row("qualify", [t("desk.urgency"), " ", choice("qualify-urgency", five, String, tk.urgency), " ", t("desk.impact"), " ",
      choice("qualify-impact", five, String, tk.impact), " ", choice("qualify-category", categories, String, tk.category), " "],
    () => ({ urgency: number("qualify-urgency"), impact: number("qualify-impact"), category: value("qualify-category") }));
  }
  if (s !== "closed") {
    row("followup", [el("textarea", { id: "followup-text", rows: 2, placeholder: t("desk.followup_text") }), " ", minutes("followup-minutes"), " min ",
      el("label", {}, el("input", { type: "checkbox", id: "followup-private" }), t("desk.private")), " "],
    () => ({ text: value("followup-text"), minutes: number("followup-minutes"), private: document.getElementById("followup-private").checked }));
  }
  if (["new", "assigned", "in-progress"].includes(s) && tk.level === "N1") {
    const n2 = desk.setup ? desk.setup.technicians.filter((x) => x.level === "N2").map((x) => x.name) : [];
    row("escalate", [field("escalate-reason"), " ", choice("escalate-to", ["", ...n2], (v) => v || t("desk.n2_queue")), " "],
      () => ({ reason: value("escalate-reason"), to: value("escalate-to") || null }), "danger");
  }
  if (["assigned", "in-progress"].includes(s)) row("pending", [field("pending-reason"), " "], () => ({ reason: value("pending-reason") }));
  if (s === "pending") row("resume", [], () => ({}));
  if (["assigned", "in-progress", "pending"].includes(s)) {
    row("solve", [el("textarea", { id: "solve-text", rows: 2, placeholder: t("desk.solution_text") }), " ", minutes("solve-minutes"), " min "],
      () => ({ text: value("solve-text"), minutes: number("solve-minutes") }), "primary");
  }
  if (s === "solved") {
    row("reopen", [field("reopen-reason"), " "], () => ({ reason: value("reopen-reason") }), "danger");
    row("close", [t("desk.satisfaction"), " ", choice("close-satisfaction", ["", 0, 1, 2, 3, 4, 5], (v) => (v === "" ? "—" : `${v}/5`)), " "],
      () => ({ satisfaction: value("close-satisfaction") === "" ? null : number("close-satisfaction") }), "primary");
  }
  if (["solved", "closed"].includes(s)) {
    rows.push(el("div", { class: "move", "data-move": "article" }, field("article-cause"), " ",
      el("button", { "data-action": "article", onclick: writeArticle }, t("move.article"))));
  }
  for (const r of rows) for (const input of r.querySelectorAll("input:not([type]), textarea")) if (!input.placeholder) input.placeholder = t(`hint.${r.dataset.move}`);
  return rows;
}

/** What the user typed in the ticket's forms (kept across a reload, so nothing typed is lost); the choices offered
 * with the ticket's values (urgency, impact, category) are not: after a reload they show the ticket as it is now. */
function drafts() {
  return [...document.querySelectorAll("#desk-detail input, #desk-detail textarea")]
    .filter((f) => f.id && (f.type === "checkbox" ? f.checked !== f.defaultChecked : f.value !== f.defaultValue))
    .map((f) => [f.id, f.type === "checkbox" ? f.checked : f.value]);
}
function restore(kept) {
  for (const [id, v] of kept) {
    const f = document.getElementById(id);
    if (f && f.type === "checkbox") f.checked = v; else if (f) f.value = v;
  }
}

/** POST a move with If-Match: the version read. A 409 reloads the ticket and says the change was not applied. */
async function act(action, body) {
  const read = desk.ticket;
  say("", "");  // the last move's word is not this one's
  delete document.getElementById("message").dataset.conflict;
  await busy(t(`move.${action}`), async () => {
    const response = await fetch(`${labPath(desk.lab)}/tickets/${read.id}/${action}`, {
      method: "POST",
      headers: { Authorization: `Bearer ${state.token}`, "Content-Type": "application/json", "If-Match": String(read.version) },
      body: JSON.stringify(body),
    });
    if (response.status === 401) { logout(); return; }
    const answer = await response.json().catch(() => ({}));
    if (response.status === 409) {
      const kept = drafts();
      await loadTickets();
      await openTicket(read.id);  // last: the ticket shown says the view is up to date
      restore(kept);
      // the lab may be down (a 409 too): a conflict is when the ticket is no longer the one read
      if (desk.ticket.version !== read.version) {
        say(t("desk.conflict", { n: read.id, v: read.version, now: desk.ticket.version }), "error");
        document.getElementById("message").dataset.conflict = String(read.id);
      } else say(String(answer.detail), "error");
      return;
    }
    if (!response.ok) { say(typeof answer.detail === "string" ? answer.detail : JSON.stringify(answer.detail), "error"); return; }
    say(t("desk.done", { move: t(`move.${action}`), n: read.id }));
    await loadTickets();
    await openTicket(read.id);
  });
}

async function writeArticle() {
  const id = desk.ticket.id;
  await busy(t("move.article"), async () => {
    const made = await (await api("POST", `${labPath(desk.lab)}/tickets/${id}/article`, { cause: value("article-cause") })).json();
    say(t("desk.article_done", { a: made.id, n: id }));
  });
}

// ------------------------------------------------------------------ a new ticket
function newTicketForm() {
  const setup = desk.setup;
  if (!setup) { say(t("desk.no_site", { lab: desk.lab }), "error"); return; }
  const five = [1, 2, 3, 4, 5];
  const requester = setup.requesters
    ? choice("new-requester", setup.requesters.map((u) => u.login), (v) => `${v} — ${setup.requesters.find((u) => u.login === v).name}`)
    : el("input", { id: "new-requester", size: 20 });
  const urgency = choice("new-urgency", five, (v) => `${v} ${t(`prio.${v}`)}`, 3);
  const impact = choice("new-impact", five, (v) => `${v} ${t(`prio.${v}`)}`, 1);
  const preview = el("span", { id: "new-priority" });
  const update = () => preview.replaceChildren("→ ", priorityBadge(setup.matrix[urgency.value][impact.value]));
  urgency.addEventListener("change", update);
  impact.addEventListener("change", update);
  update();
  const nodes = el("select", { id: "new-nodes", multiple: "", size: 4 }, setup.nodes.map((n) => el("option", { value: n }, n)));
  const line = (key, ...input) => el("label", { class: "line" }, el("span", {}, t(key)), ...input);
  const submit = async (event) => {
    event.preventDefault();
    const body = { title: value("new-title"), requester: value("new-requester"), kind: value("new-kind"), category: value("new-category"),
      urgency: Number(urgency.value), impact: Number(impact.value), description: value("new-description"),
      nodes: [...nodes.selectedOptions].map((o) => o.value) };
    await busy(t("desk.new"), async () => {
      const made = await (await api("POST", `${labPath(desk.lab)}/tickets`, body)).json();
      say(t("desk.opened", { n: made.id, p: made.priority }));
      await loadTickets();
      await openTicket(made.id);
    });
  };
  document.getElementById("desk-detail").replaceChildren(el("form", { id: "new-ticket", class: "new-ticket", onsubmit: submit },
    el("h2", {}, t("desk.new")),
    line("desk.title", el("input", { id: "new-title", size: 50 })),
    line("desk.requester", requester),
    line("desk.kind", choice("new-kind", ["incident", "request"], (v) => t(`kind.${v}`)), " ", choice("new-category", setup.categories)),
    line("desk.urgency", urgency, " ", t("desk.impact"), " ", impact, " ", preview),
    line("desk.description", el("textarea", { id: "new-description", rows: 3, cols: 50 })),
    line("desk.nodes", nodes),
    el("button", { type: "submit", class: "primary", id: "new-submit" }, t("desk.open"))));
}

// ------------------------------------------------------------------ knowledge base
async function searchKb(event) {
  event.preventDefault();
  const q = document.getElementById("kb-query").value;
  const box = document.getElementById("kb-results");
  await busy(t("kb.search"), async () => {
    const found = await getJSON(`/api/kb?q=${encodeURIComponent(q)}`);
    box.replaceChildren(el("h3", {}, t("kb.found", { n: found.length, q })), ...found.map((a) => el("div", { class: "card article", "data-article": a.id },
      el("b", {}, `${a.id}. ${a.title}`), " ", el("span", { class: "muted" }, `${a.category} — score ${a.score}${a.ticket ? ` — ${t("desk.ticket")} ${a.ticket}` : ""}`),
      a.symptoms ? el("p", {}, `${t("kb.symptoms")} ${a.symptoms}`) : null, a.cause ? el("p", {}, `${t("kb.cause")} ${a.cause}`) : null,
      el("p", {}, `${t("desk.solution")} ${a.solution}`))));
  });
}

function wireDesk() {
  document.getElementById("desk-status").addEventListener("change", () => loadTickets().catch((e) => say(e.message, "error")));
  document.getElementById("desk-mine").addEventListener("change", () => loadTickets().catch((e) => say(e.message, "error")));
  document.getElementById("desk-refresh").addEventListener("click", () => loadDesk().catch((e) => say(e.message, "error")));
  document.getElementById("desk-new").addEventListener("click", newTicketForm);
  document.getElementById("kb-form").addEventListener("submit", searchKb);
}
