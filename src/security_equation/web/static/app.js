// Security Equation web page: plain JavaScript, no libraries, no other hosts.
// State: the scenario source (a bundled name or uploaded YAML text), its validated
// JSON (the "base" the form is built from) and the edits as dotted-path `set` values.
"use strict";

const PLOTS = ["square", "waterfall", "drawdown", "forces", "treaty"];
// Figures drawn only for more than two sides (hidden otherwise).
const MULTI_PARTY_PLOTS = ["matrix", "two-peer"];
// c1_over_c2: the uncapped C1/C2 behind r (null with c1_over_c2_note when infinite).
const SIDE_METRICS = [
  ["r", 3], ["c1_over_c2", 3], ["c1", 3], ["c2", 3], ["surviving_warheads", 0], ["arriving_warheads", 0],
  ["share_destroyed", 3],
];

const state = {
  source: { scenario: null },   // or { yaml: "…" }
  label: "",
  base: null,                   // validated scenario JSON
  edits: {},                    // dotted path -> value
  framework: null,
  frameworks: [],
  generation: 0,                // newer requests win
  plotUrls: {},
};

const $ = (id) => document.getElementById(id);

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === "class") node.className = v;
    else if (k === "text") node.textContent = v;
    else if (k.startsWith("data-")) node.setAttribute(k, v);
    else node[k] = v;
  }
  for (const c of children) node.append(c);
  return node;
}

function fmt(value, digits) {
  if (value === null || value === undefined || Number.isNaN(value)) return "—";
  if (typeof value === "boolean") return value ? "yes" : "no";
  if (typeof value !== "number") return String(value);
  return value.toLocaleString("en-US", { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

function pretty(name) { return String(name).replaceAll("_", " "); }

// ------------------------------------------------------------------ requests
function body(extra = {}) {
  const out = { ...state.source, set: { ...state.edits }, ...extra };
  if (state.framework) out.framework = state.framework;
  return out;
}

async function api(path, payload, { method = "POST", as = "json" } = {}) {
  const init = { method, headers: {} };
  if (payload !== undefined) {
    init.headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(payload);
  }
  const response = await fetch(path, init);
  if (!response.ok) {
    let message = `${response.status} ${response.statusText}`;
    let problems = [];
    try {
      const data = await response.json();
      message = data.message || message;
      problems = data.problems || [];
    } catch (_) { /* not JSON */ }
    const error = new Error(message);
    error.problems = problems;
    error.status = response.status;
    throw error;
  }
  if (as === "blob") return response.blob();
  if (as === "text") return response.text();
  return response.json();
}

function showError(error) {
  const box = $("error");
  for (const input of document.querySelectorAll(".invalid")) input.classList.remove("invalid");
  if (!error) { box.hidden = true; box.textContent = ""; return; }
  box.hidden = false;
  box.textContent = error.message;
  for (const p of error.problems || []) {
    if (!p.path) continue;
    const input = document.querySelector(`[data-path="${CSS.escape(p.path)}"]`);
    if (input) input.classList.add("invalid");
  }
}

// Values outside their plausible ranges (docs/model.md, "Plausible ranges"): the model
// ran, but the inputs deserve a check. Shown below the error box, fields marked.
function showWarnings(warnings) {
  let box = document.getElementById("warnings");
  if (!box) {
    box = document.createElement("div");
    box.id = "warnings";
    box.setAttribute("role", "status");
    box.style.cssText = "border: 2px solid #b58900; padding: .5rem .7rem; white-space: pre-wrap;";
    $("error").after(box);
  }
  for (const input of document.querySelectorAll(".implausible")) input.classList.remove("implausible");
  const list = warnings || [];
  box.hidden = !list.length;
  box.textContent = list.map((w) => `warning: ${w.path}: ${w.message}`).join("\n");
  for (const w of list) {
    const input = w.path && document.querySelector(`[data-path="${CSS.escape(w.path)}"]`);
    if (input) input.classList.add("implausible");
  }
}

// ------------------------------------------------------------------ the form
function valueAt(path) {
  let node = state.base;
  const parts = path.split(".");
  if (parts[0] !== "sides") { node = node.sides; }
  for (const part of parts) {
    if (node === null || node === undefined) return undefined;
    node = node[part];
  }
  return node;
}

function numberInput(path, value, { step = "1", min = "0", max = null, title = "" } = {}) {
  const input = el("input", { type: "number", step, min, value: String(value), title,
                              "data-path": path });
  if (max !== null) input.max = String(max);
  input.setAttribute("aria-label", path);
  input.addEventListener("input", () => edit(input));
  return input;
}

function selectInput(path, options, value) {
  const select = el("select", { "data-path": path });
  select.setAttribute("aria-label", path);
  for (const option of options) select.append(el("option", { value: option, text: pretty(option) }));
  select.value = value;
  select.addEventListener("change", () => edit(select));
  return select;
}

function buildForm() {
  const holder = $("sides");
  holder.replaceChildren();
  for (const [side, data] of Object.entries(state.base.sides)) {
    const fs = el("fieldset", { "data-side": side }, el("legend", { text: `${data.label || side} (${side})` }));
    const posture = data.posture;
    fs.append(el("div", { class: "row" },
      el("label", { text: "alert" }, selectInput(`${side}.posture.alert`, ["day_to_day", "generated"], posture.alert)),
      el("label", { text: "launch under attack (share of silos)" },
         numberInput(`${side}.posture.launch_under_attack`, posture.launch_under_attack,
                     { step: "0.05", max: 1 }))));
    const systems = el("table", {},
      el("thead", {}, el("tr", {},
        el("th", { text: "system" }), el("th", { class: "n", text: "launchers" }),
        el("th", { class: "n", text: "warheads / launcher" }), el("th", { class: "n", text: "capacity" }))));
    const tbody = el("tbody");
    for (const [name, sys] of Object.entries(data.systems)) {
      tbody.append(el("tr", {},
        el("td", { text: `${name}`, title: `${sys.category}${sys.nuclear ? "" : " (conventional)"}` }),
        el("td", { class: "n" }, numberInput(`${side}.systems.${name}.launchers`, sys.launchers)),
        el("td", { class: "n" }, numberInput(`${side}.systems.${name}.warheads_per_launcher`,
                                              sys.warheads_per_launcher,
                                              { step: "0.01", max: sys.max_warheads_per_launcher })),
        el("td", { class: "n hint", text: fmt(sys.max_warheads_per_launcher, 2) })));
    }
    systems.append(tbody);
    fs.append(systems);
    const layers = Object.entries(data.defences || {}).filter(([, d]) => d.kind === "missile_defence");
    if (layers.length) {
      const table = el("table", {}, el("thead", {}, el("tr", {},
        el("th", { text: "missile defence layer" }), el("th", { class: "n", text: "interceptors" }),
        el("th", { class: "n", text: "protects" }))));
      const rows = el("tbody");
      for (const [name, layer] of layers) {
        rows.append(el("tr", {}, el("td", { text: name }),
          el("td", { class: "n" }, numberInput(`${side}.defences.${name}.interceptors`, layer.interceptors)),
          el("td", { class: "n hint", text: layer.protects })));
      }
      table.append(rows);
      fs.append(table);
    }
    holder.append(fs);
  }
}

function parseValue(input, base) {
  if (input.tagName === "SELECT") return input.value;
  const text = input.value.trim();
  if (text === "") return text;                    // the server says what is wrong
  const number = Number(text);
  if (!Number.isFinite(number)) return text;
  return number;
}

function edit(input) {
  const path = input.dataset.path;
  const base = valueAt(path);
  const value = parseValue(input, base);
  if (value === base) delete state.edits[path];
  else state.edits[path] = value;
  input.classList.toggle("edited", path in state.edits);
  schedule();
}

// ------------------------------------------------------------------ results
let timer = null;
function schedule() {
  clearTimeout(timer);
  timer = setTimeout(update, 200);
}

function renderMetrics(data) {
  $("metric-fsi").textContent = fmt(data.fsi, 3);
  const tbody = document.querySelector("#metrics tbody");
  tbody.replaceChildren();
  for (const [side, values] of Object.entries(data.sides)) {
    const row = el("tr", {}, el("td", { text: values.label || side }));
    for (const [key, digits] of SIDE_METRICS) {
      const infinite = key === "c1_over_c2" && values[key] === null && values.c1_over_c2_note;
      row.append(el("td", { class: "n", id: `metric-${side}-${key}`,
                            text: infinite ? "∞" : fmt(values[key], digits),
                            title: infinite ? values.c1_over_c2_note : "" }));
    }
    tbody.append(row);
  }
  const treaty = data.treaty;
  if (treaty && treaty.sides) {
    const parts = Object.entries(treaty.sides).map(([side, info]) =>
      `${info.label || side}: ${info.compliant ? "compliant" : "NOT compliant"}`);
    // The framework's status on the scenario's date (today's when it has none).
    const status = !treaty.status ? ""
      : treaty.status === "in force" ? ` (in force as of ${treaty.as_of})`
      : ` (${treaty.status}; as of ${treaty.as_of})`;
    $("treaty-status").textContent =
      `${(treaty.framework && (treaty.framework.title || treaty.framework.name)) || "treaty"} — ${parts.join("; ")}${status}`;
  } else {
    $("treaty-status").textContent = "";
  }
}

// More than two sides (docs/model.md, "Three and more powers"): each side's r against each
// adversary (rows: side, columns: adversary, uncapped C1/C2 in brackets) and every pair's
// FSI, from "pairs" and "fsi_pairs" of /api/evaluate. Hidden for two sides.
function ratioText(cell) {
  if (cell.c1_over_c2 === null && cell.c1_over_c2_note) return "∞";
  return fmt(cell.c1_over_c2, 3);
}

// Pairs of allied sides ("a\u0000b", both orders), from each side's "allies" in
// /api/evaluate (committed either way, or in one coalition).
function alliedPairs(data) {
  const out = new Set();
  for (const [side, info] of Object.entries(data.sides || {})) {
    for (const other of (info && info.allies) || []) out.add(`${side}\u0000${other}`).add(`${other}\u0000${side}`);
  }
  return out;
}

function renderMatrix(data) {
  const box = $("pair-matrix");
  const pairs = data.pairs || [];
  box.hidden = pairs.length === 0;
  const table = $("matrix-table");
  const fsiTable = $("fsi-pairs");
  table.tHead.replaceChildren();
  table.tBodies[0].replaceChildren();
  fsiTable.tBodies[0].replaceChildren();
  if (!pairs.length) return;
  const sides = Object.keys(data.sides);
  const label = (side) => (data.sides[side] && data.sides[side].label) || side;
  const cells = new Map(pairs.map((p) => [`${p.side}\u0000${p.adversary}`, p]));
  const allied = alliedPairs(data);
  $("ally-note").hidden = allied.size === 0;
  const head = el("tr", {}, el("th", { text: "side \\ adversary" }));
  for (const side of sides) head.append(el("th", { class: "n", text: label(side) }));
  head.append(el("th", { text: "binding adversary" }));
  table.tHead.append(head);
  for (const side of sides) {
    const row = el("tr", {}, el("td", { text: label(side) }));
    for (const adversary of sides) {
      const cell = cells.get(`${side}\u0000${adversary}`);
      const ally = side !== adversary && allied.has(`${side}\u0000${adversary}`);
      row.append(el("td", {
        class: ally ? "n ally" : "n", id: `matrix-${side}-${adversary}`,
        text: side === adversary || !cell ? "—" : `${fmt(cell.r, 3)} (${ratioText(cell)})${ally ? " ally" : ""}`,
        title: cell ? `C1 ${fmt(cell.c1, 3)}, C2 ${fmt(cell.c2, 3)}; ${fmt(cell.arriving_warheads, 0)} warheads arrive after ${label(adversary)} strikes first` : "",
      }));
    }
    const binding = data.sides[side].binding_adversary;
    row.append(el("td", { text: binding ? label(binding) : "—" }));
    table.tBodies[0].append(row);
  }
  for (const [pair, value] of Object.entries(data.fsi_pairs || {})) {
    const [a, b] = pair.split(",");
    const least = pair === data.fsi_pair;
    const ally = allied.has(`${a}\u0000${b}`);
    const note = least ? " (least stable)" : ally ? " (allies)" : "";
    const row = el("tr", {},
      el("td", { text: `${label(a)} – ${label(b)}${note}` }),
      el("td", { class: "n", id: `fsi-pair-${a}-${b}`, text: fmt(value, 3) }));
    if (least) row.className = "least";
    fsiTable.tBodies[0].append(row);
  }
}

// Coalitions and the two-peer question (docs/model.md, "Coalitions and the two-peer
// question"), from "coalitions", "coalition_pairs" and "two_peer" of /api/evaluate; the same
// views as present/tables.py (coalition_rows, two_peer_view). Hidden for two sides.
function sideLabel(data, side) { return (data.sides[side] && data.sides[side].label) || side; }

function partyLabel(data, name, members) {
  const coalitions = data.coalitions || {};
  const list = members || [name];
  if (list.length === 1 && data.sides[name]) return sideLabel(data, name);
  if (coalitions[name]) return `${name} (${coalitions[name].map((m) => sideLabel(data, m)).join(", ")})`;
  return list.map((m) => sideLabel(data, m)).join(" + ");
}

function partyRatio(ratio, c1, c2) {
  if (ratio === null && c1 > 0 && c2 === 0) return "∞";
  return fmt(ratio, 3);
}

function renderCoalitions(data) {
  const box = $("coalitions");
  const cases = data.coalition_pairs || [];
  box.hidden = cases.length === 0;
  const tbody = $("coalition-table").tBodies[0];
  tbody.replaceChildren();
  for (const c of cases) {
    const [a, b] = c.parties;
    const arriving = (attacker, victim) => ((c.strikes || {})[`${attacker}_strikes_${victim}`] || {}).arriving_retaliation;
    const row = el("tr", { "data-case": `${a}-${b}` },
      el("td", { text: partyLabel(data, a, c.members[a]) }),
      el("td", { text: partyLabel(data, b, c.members[b]) }));
    for (const [party, other] of [[a, b], [b, a]]) {
      row.append(
        el("td", { class: "n", id: `coalition-${a}-${b}-r-${party}`, text: fmt(c.r[party], 3) }),
        el("td", { class: "n", text: partyRatio(c.c1_over_c2[party], c.c1[party], c.c2[party]) }),
        el("td", { class: "n", text: fmt(arriving(other, party), 0) }));
    }
    row.append(el("td", { class: "n", id: `coalition-${a}-${b}-fsi`, text: fmt(c.fsi, 3) }));
    tbody.append(row);
  }
}

function caseStatus(c) {
  if (c.meets_all) return `met, ${fmt(Math.max(c.surviving_warheads - (c.needed_total || 0), 0), 0)} to spare`;
  if (c.short_warheads === null) return "never met: no reliable warhead survives";
  return `short by ${fmt(c.short_warheads, 0)}`;
}

function andList(items) {
  return items.length === 1 ? items[0] : `${items.slice(0, -1).join(", ")} and ${items[items.length - 1]}`;
}

function renderTwoPeer(data) {
  const box = $("two-peer");
  const holder = $("two-peer-tables");
  holder.replaceChildren();
  const entries = Object.entries(data.two_peer || {});
  box.hidden = entries.length === 0;
  for (const [side, entry] of entries) {
    const adversaries = entry.adversaries || [];
    const names = adversaries.map((a) => sideLabel(data, a));
    const cases = entry.cases || [];
    const badness = (c) => c.meets_all ? -Math.max(c.surviving_warheads - (c.needed_total || 0), 0)
      : c.short_warheads === null ? Infinity : c.short_warheads;
    let worst = 0;
    cases.forEach((c, i) => { if (badness(c) >= badness(cases[worst])) worst = i; });
    const table = el("table", { class: "two-peer", id: `two-peer-${side}` },
      el("caption", { text: `${sideLabel(data, side)}: ${fmt(entry.requirement_arriving_warheads, 0)} warheads must arrive on each of ${names.join(", ")}` }));
    const head = el("tr", {}, el("th", { text: "struck first by" }), el("th", { class: "n", text: "survivors" }));
    for (const name of names) head.append(el("th", { class: "n", text: `needed vs ${name}` }));
    head.append(el("th", { class: "n", text: "needed in all" }), el("th", { text: "meets all?" }));
    table.append(el("thead", {}, head));
    const tbody = el("tbody");
    cases.forEach((c, i) => {
      const members = c.members || [c.attackers];
      const label = partyLabel(data, c.attackers, members) + (members.length > 1 && c.attackers.includes("+") ? " together" : "");
      const row = el("tr", { "data-attackers": c.attackers },
        el("td", { text: label }),
        el("td", { class: "n", text: fmt(c.surviving_warheads, 0) }));
      for (const a of adversaries) {
        const n = (c.needed_warheads || {})[a];
        row.append(el("td", { class: "n", text: n === null || n === undefined ? "∞" : fmt(n, 0) }));
      }
      row.append(el("td", { class: "n", text: c.needed_total === null ? "∞" : fmt(c.needed_total, 0) }));
      const status = caseStatus(c);
      row.append(el("td", { class: c.meets_all ? "met" : "short",
                            text: `${c.meets_all ? "yes" : "no"}, ${status.replace(/^met, /, "")}` }));
      if (i === worst) row.classList.add("worst");
      tbody.append(row);
    });
    table.append(tbody);
    holder.append(table);
    if (cases.length) {
      const c = cases[worst];
      const members = c.members || [c.attackers];
      const by = `${members.length > 1 ? "a joint first strike" : "a first strike"} by ${partyLabel(data, c.attackers, members)}`;
      const needs = c.needed_total === null ? "cannot deliver it with any number of warheads"
        : `needs ${fmt(c.needed_total, 0)}`;
      const on = names.length > 1 ? `each of ${andList(names)}` : andList(names);
      const met = cases.filter((x) => x.meets_all).length;
      holder.append(el("p", { class: "verdict", id: `two-peer-verdict-${side}`,
        text: `After ${by}, ${sideLabel(data, side)} keeps ${fmt(c.surviving_warheads, 0)} warheads and ${needs} to deliver ${fmt(entry.requirement_arriving_warheads, 0)} on ${on}: ${caseStatus(c)} (the worst of ${cases.length} cases; met in ${met} of them).` }));
    }
  }
  for (const [kase, why] of Object.entries(data.coalition_notes || {})) {
    holder.append(el("p", { class: "muted", text: `not evaluated: ${kase}: ${why}` }));
  }
}

// Values changed from the files (docs/model.md, "Provenance of edited values"): the
// description's note and each edit with its original value and source, from /api/evaluate.
function renderEdits(data) {
  let box = $("edited-values");
  if (!box) {
    box = el("div", { id: "edited-values", class: "muted" });
    $("treaty-status").after(box);
  }
  box.replaceChildren();
  const edits = data.edited_values || [];
  box.hidden = edits.length === 0;
  if (!edits.length) return;
  box.append(el("p", { id: "description-note", text: data.description_note || "" }));
  const list = el("ul");
  for (const e of edits) {
    const was = e.original_value === null ? "not set" : `was ${fmt(e.original_value)}`;
    list.append(el("li", { class: "edited", "data-edited": e.path,
      text: `${e.path} = ${fmt(e.value)} — edited by ${e.by} (${was}${e.original_source ? `: ${e.original_source}` : ""})` }));
  }
  box.append(el("p", { text: "Edited values:" }), list);
}

async function loadPlot(kind, generation) {
  const img = $(`plot-${kind}`);
  try {
    const blob = await api(`/api/plot/${kind}?format=png`, body(), { as: "blob" });
    if (generation !== state.generation) return;
    if (state.plotUrls[kind]) URL.revokeObjectURL(state.plotUrls[kind]);
    state.plotUrls[kind] = URL.createObjectURL(blob);
    img.src = state.plotUrls[kind];
    img.classList.remove("stale");
    img.closest("figure").hidden = false;
  } catch (error) {
    if (kind === "treaty" || MULTI_PARTY_PLOTS.includes(kind)) img.closest("figure").hidden = true;
  }
}

async function update() {
  const generation = ++state.generation;
  const results = $("results");
  $("status").textContent = "computing…";
  for (const img of document.querySelectorAll("#plots img")) img.classList.add("stale");
  try {
    const sections = state.frameworks.length ? ["treaty"] : [];
    const data = await api("/api/evaluate", body({ sections }));
    if (generation !== state.generation) return;
    showError(null);
    showWarnings(data.warnings);
    results.classList.remove("stale");
    renderMetrics(data);
    renderMatrix(data);
    renderCoalitions(data);
    renderTwoPeer(data);
    renderEdits(data);
    const n = Object.keys(state.edits).length;
    $("status").textContent = n ? `${n} edit${n > 1 ? "s" : ""} applied` : "as given";
    const multiParty = (data.pairs || []).length > 0;
    const multiKinds = multiParty ? MULTI_PARTY_PLOTS.filter((k) => k !== "two-peer" || data.two_peer) : [];
    // Figures that do not apply are hidden; the others stay in place (dimmed) while redrawn.
    for (const kind of MULTI_PARTY_PLOTS) {
      if (!multiKinds.includes(kind)) $(`plot-${kind}`).closest("figure").hidden = true;
    }
    const kinds = [...PLOTS, ...multiKinds];
    await Promise.all(kinds.map((kind) => loadPlot(kind, generation)));
  } catch (error) {
    if (generation !== state.generation) return;
    showError(error);
    $("status").textContent = "not updated: fix the input";
  }
}

// ------------------------------------------------------------------ loading scenarios
function describeSource() {
  const n = Object.keys(state.edits).length;
  $("source").textContent = state.source.yaml !== undefined
    ? `uploaded file ${state.label}` : `bundled scenario ${state.label}`;
  return n;
}

async function useScenario(source, label, scenarioJson) {
  state.source = source;
  state.label = label;
  state.base = scenarioJson;
  state.edits = {};
  describeSource();
  buildForm();
  await update();
}

async function pickBundled(name) {
  try {
    const data = await api(`/api/scenarios/${encodeURIComponent(name)}`, undefined, { method: "GET" });
    showError(null);
    await useScenario({ scenario: name }, name, data.scenario);
  } catch (error) { showError(error); }
}

async function uploadFile(file) {
  if (!file) return;
  if (file.size > 1_000_000) {
    showError(new Error(`${file.name} is larger than 1,000,000 bytes`));
    return;
  }
  const text = await file.text();
  try {
    const data = await api("/api/scenario", { yaml: text });
    showError(null);
    await useScenario({ yaml: text }, file.name, data.scenario);
  } catch (error) { showError(error); }
}

// ------------------------------------------------------------------ downloads and comparison
async function download(path, payload, filename) {
  try {
    const blob = await api(path, payload, { as: "blob" });
    const url = URL.createObjectURL(blob);
    const link = el("a", { href: url, download: filename });
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10000);
  } catch (error) { showError(error); }
}

function renderComparison(data) {
  const table = $("compare-table");
  const head = el("tr", {}, el("th", { text: "metric" }), el("th", { text: "side" }));
  for (const c of data.columns) head.append(el("th", { class: "n", text: c }));
  // Each difference is this column minus the first ("B − A"), named so by the API.
  for (const d of data.differences) head.append(el("th", { class: "n", text: `Δ = ${d}` }));
  table.tHead.replaceChildren(head);
  const rows = [];
  for (const m of data.metrics) {
    const row = el("tr", {}, el("td", { text: m.metric }), el("td", { text: m.side || "" }));
    for (const v of m.values) row.append(el("td", { class: "n", text: fmt(v, m.digits) }));
    for (const d of m.difference.slice(1)) {
      const text = typeof d === "number" && d > 0 ? `+${fmt(d, m.digits)}` : fmt(d, m.digits);
      row.append(el("td", { class: "n", text }));
    }
    rows.push(row);
  }
  table.tBodies[0].replaceChildren(...rows);
}

async function compareFrameworks() {
  const a = $("framework-a").value, b = $("framework-b").value;
  const spec = { ...state.source, set: { ...state.edits } };
  try {
    renderComparison(await api("/api/compare", { scenarios: [spec], frameworks: [a, b] }));
    showError(null);
  } catch (error) { showError(error); }
}

async function compareOriginal() {
  const original = { ...state.source };
  const edited = { ...state.source, set: { ...state.edits } };
  if (state.framework) { original.framework = state.framework; edited.framework = state.framework; }
  try {
    renderComparison(await api("/api/compare", { scenarios: [original, edited],
                                                 labels: ["original", "edited"] }));
    showError(null);
  } catch (error) { showError(error); }
}

// ------------------------------------------------------------------ start
async function start() {
  const [scenarios, frameworks] = await Promise.all([
    api("/api/scenarios", undefined, { method: "GET" }),
    api("/api/frameworks", undefined, { method: "GET" }),
  ]);
  const select = $("scenario-select");
  for (const s of scenarios) select.append(el("option", { value: s.name, text: s.name, title: s.description }));
  state.frameworks = frameworks.map((f) => f.name);
  const fw = $("framework-select");
  fw.append(el("option", { value: "", text: "the scenario's own" }));
  for (const f of frameworks) {
    for (const target of [fw, $("framework-a"), $("framework-b")]) {
      target.append(el("option", { value: f.name, text: f.title || f.name }));
    }
  }
  if (frameworks.length > 1) $("framework-b").selectedIndex = 1;
  if (!frameworks.length) $("compare-frameworks").disabled = true;

  select.addEventListener("change", () => pickBundled(select.value));
  fw.addEventListener("change", () => { state.framework = fw.value || null; schedule(); });
  $("upload").addEventListener("change", (e) => uploadFile(e.target.files[0]));
  $("reset").addEventListener("click", () => {
    state.edits = {};
    buildForm();
    update();
  });
  $("download-yaml").addEventListener("click", () =>
    download("/api/scenario?format=yaml", body(), `${state.base.name}-edited.yaml`));
  $("download-report").addEventListener("click", () =>
    download("/api/report", body(), `${state.base.name}-report.html`));
  $("compare-frameworks").addEventListener("click", compareFrameworks);
  $("compare-original").addEventListener("click", compareOriginal);

  const initial = (scenarios.find((s) => s.default) || scenarios[0]).name;
  select.value = initial;
  await pickBundled(initial);
}

document.addEventListener("DOMContentLoaded", () => {
  start().catch((error) => showError(error));
});
