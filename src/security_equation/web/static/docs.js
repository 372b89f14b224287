// The API reference: /openapi.json drawn as plain HTML (no external scripts or styles).
"use strict";

function el(tag, text, cls) {
  const node = document.createElement(tag);
  if (text !== undefined && text !== null) node.textContent = String(text);
  if (cls) node.className = cls;
  return node;
}

function refName(ref) {
  return ref ? ref.split("/").pop() : "";
}

function typeOf(schema) {
  if (!schema) return "";
  if (schema.$ref) return refName(schema.$ref);
  if (schema.anyOf) return schema.anyOf.map(typeOf).join(" | ");
  if (schema.enum) return schema.enum.map((v) => JSON.stringify(v)).join(" | ");
  if (schema.type === "array") return `array of ${typeOf(schema.items)}`;
  if (schema.type === "object" && schema.additionalProperties) return `object of ${typeOf(schema.additionalProperties) || "any"}`;
  return schema.type || schema.const || "any";
}

function table(headings, rows) {
  const t = el("table");
  const head = t.createTHead().insertRow();
  for (const h of headings) head.appendChild(el("th", h));
  const body = t.createTBody();
  for (const row of rows) {
    const tr = body.insertRow();
    for (const cell of row) tr.appendChild(el("td", cell));
  }
  return t;
}

function operationNode(path, method, op) {
  const box = el("section", null, "endpoint");
  box.id = `${method}-${path}`.replace(/[^A-Za-z0-9]+/g, "-");
  const h = el("h3");
  h.append(el("span", method.toUpperCase(), "method"), el("span", path));
  box.appendChild(h);
  if (op.summary) box.appendChild(el("p", op.summary));
  if (op.description && op.description !== op.summary) box.appendChild(el("p", op.description, "muted"));
  const params = op.parameters || [];
  if (params.length) {
    box.appendChild(table(["parameter", "in", "type", "required", "default"],
      params.map((p) => [p.name, p.in, typeOf(p.schema), p.required ? "yes" : "no",
        p.schema && p.schema.default !== undefined ? JSON.stringify(p.schema.default) : ""])));
  }
  const content = op.requestBody && op.requestBody.content;
  if (content) {
    for (const [type, media] of Object.entries(content)) {
      const p = el("p");
      p.append("Body: ", el("code", type), " ");
      const name = typeOf(media.schema);
      if (media.schema && media.schema.$ref) {
        const a = el("a", name);
        a.href = `#schema-${name}`;
        p.appendChild(a);
      } else {
        p.append(name);
      }
      box.appendChild(p);
    }
  }
  const codes = Object.entries(op.responses || {}).map(([code, r]) =>
    [code, r.description || "", Object.keys(r.content || {}).join(", ")]);
  if (codes.length) box.appendChild(table(["status", "meaning", "content"], codes));
  return box;
}

function schemaNode(name, schema) {
  const box = el("section", null, "endpoint");
  box.id = `schema-${name}`;
  box.appendChild(el("h3", name));
  if (schema.description) box.appendChild(el("p", schema.description, "muted"));
  const required = new Set(schema.required || []);
  const rows = Object.entries(schema.properties || {}).map(([field, s]) => [
    field, typeOf(s), required.has(field) ? "yes" : "no",
    s.default !== undefined ? JSON.stringify(s.default) : "", s.description || ""]);
  if (rows.length) box.appendChild(table(["field", "type", "required", "default", "meaning"], rows));
  for (const example of schema.examples || []) {
    box.appendChild(el("pre", JSON.stringify(example, null, 2)));
  }
  return box;
}

async function main() {
  const response = await fetch("/openapi.json");
  if (!response.ok) throw new Error(`/openapi.json: HTTP ${response.status}`);
  const api = await response.json();
  document.title = `${api.info.title} — API ${api.info.version}`;
  document.getElementById("title").textContent = `${api.info.title} API`;
  document.getElementById("version").textContent = `Version ${api.info.version}.`;
  document.getElementById("description").textContent = api.info.description || "";
  const byTag = new Map();
  for (const [path, item] of Object.entries(api.paths || {})) {
    for (const [method, op] of Object.entries(item)) {
      const tag = (op.tags && op.tags[0]) || "other";
      if (!byTag.has(tag)) byTag.set(tag, []);
      byTag.get(tag).push([path, method, op]);
    }
  }
  const endpoints = document.getElementById("endpoints");
  const toc = document.getElementById("toc");
  for (const [tag, ops] of byTag) {
    endpoints.appendChild(el("h2", tag));
    for (const [path, method, op] of ops) {
      const node = operationNode(path, method, op);
      endpoints.appendChild(node);
      const a = el("a", `${method.toUpperCase()} ${path}`);
      a.href = `#${node.id}`;
      toc.appendChild(a);
      toc.append(" ");
    }
  }
  const schemas = (api.components && api.components.schemas) || {};
  const holder = document.getElementById("schemas");
  const shown = Object.entries(schemas).filter(([name]) => !/Error|^Body_/.test(name));
  for (const [name, schema] of shown) holder.appendChild(schemaNode(name, schema));
  document.getElementById("schemas-title").hidden = shown.length === 0;
}

main().catch((err) => {
  const box = document.getElementById("error");
  box.textContent = `Could not read the API description: ${err.message}`;
  box.hidden = false;
});
