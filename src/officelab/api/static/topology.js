// The topology drawn from the lab's map (GET /api/labs/{lab}/map): nodes by kind with icons, VLANs as colours,
// cables with their live state; positions come from the site's drawing (officelab.site.drawing).
"use strict";

const VLAN_COLOURS = ["#1f77b4", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf", "#bcbd22", "#7f7f7f", "#d62728"];

// One small line drawing per kind of node (24×24), as data URIs: no icon font or CDN needed.
const ICON_PATHS = {
  router: '<circle cx="12" cy="12" r="9"/><path d="M7 12h10M14 9l3 3-3 3M10 9l-3 3 3 3"/>',
  box: '<rect x="3" y="11" width="18" height="8" rx="2"/><path d="M7 11V5M17 11V5M7 15h1M10 15h1M13 15h1"/>',
  switch: '<rect x="2" y="7" width="20" height="10" rx="2"/><path d="M6 10h8l-2-2M18 14h-8l2 2"/>',
  "access-point": '<path d="M12 20v-8M8 8a6 6 0 0 1 8 0M5 5a10 10 0 0 1 14 0"/><circle cx="12" cy="12" r="1.5"/>',
  server: '<rect x="5" y="3" width="14" height="8" rx="1"/><rect x="5" y="13" width="14" height="8" rx="1"/><path d="M8 7h2M8 17h2"/>',
  workstation: '<rect x="3" y="4" width="18" height="12" rx="1"/><path d="M9 20h6M12 16v4"/>',
  laptop: '<rect x="5" y="5" width="14" height="10" rx="1"/><path d="M2 19h20l-2-4H4z"/>',
  tablet: '<rect x="6" y="2" width="12" height="20" rx="2"/><path d="M11 18h2"/>',
  phone: '<rect x="4" y="9" width="16" height="12" rx="2"/><path d="M6 9c0-4 12-4 12 0M9 13h6M9 16h6"/>',
  printer: '<rect x="6" y="3" width="12" height="6"/><rect x="3" y="9" width="18" height="8" rx="1"/><rect x="7" y="14" width="10" height="7"/>',
  camera: '<rect x="3" y="7" width="13" height="10" rx="2"/><path d="M16 10l5-3v10l-5-3z"/>',
  iot: '<rect x="7" y="7" width="10" height="10" rx="1"/><path d="M9 3v4M15 3v4M9 17v4M15 17v4M3 9h4M3 15h4M17 9h4M17 15h4"/>',
  isp: '<path d="M7 18a4 4 0 0 1 0-8 6 6 0 0 1 11 2 3 3 0 0 1 0 6z"/>',
  "public-server": '<circle cx="12" cy="12" r="9"/><path d="M3 12h18M12 3c4 4 4 14 0 18M12 3c-4 4-4 14 0 18"/>',
  "remote-site": '<path d="M3 11l9-7 9 7v10H3z"/><path d="M10 21v-6h4v6"/>',
};

function icon(kind, colour) {
  const body = ICON_PATHS[kind] || ICON_PATHS.server;
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="48" height="48" viewBox="0 0 24 24" fill="none" stroke="${colour}" stroke-width="1.6" stroke-linecap="round" stroke-linejoin="round">${body}</svg>`;
  return "data:image/svg+xml;utf8," + encodeURIComponent(svg);
}

function vlanColour(map, id) {
  const index = map.vlans.findIndex((v) => v.id === id);
  return index < 0 ? "#9aa7b4" : VLAN_COLOURS[index % VLAN_COLOURS.length];
}

/** Draw ``map`` in ``container``; ``onNode(node)`` and ``onLink(link)`` are called on a click. Returns the graph. */
function drawTopology(container, map, onNode, onLink) {
  const elements = [];
  for (const n of map.nodes) {
    const colour = n.state === "up" ? "#17324d" : n.state === "degraded" ? "#b07d00" : "#b3261e";
    elements.push({ group: "nodes", data: { id: n.name, label: n.name, kind: n.kind, icon: icon(n.kind, colour), state: n.state }, position: { x: n.x, y: n.y } });
  }
  map.links.forEach((l, i) => {
    const [a, b] = [l.a.split(":")[0], l.b.split(":")[0]];
    const colour = l.trunk || l.vlans.length !== 1 ? "#3b4a5a" : vlanColour(map, l.vlans[0]);
    const label = l.trunk ? l.vlans.join(",") : "";
    elements.push({ group: "edges", data: { id: `link${i}`, source: a, target: b, index: i, colour, label, state: l.state, trunk: l.trunk ? 1 : 0 } });
  });
  const graph = cytoscape({
    container,
    elements,
    layout: { name: "preset", fit: true, padding: 24 },
    minZoom: 0.05,
    maxZoom: 3,
    style: [
      { selector: "node", style: { "background-image": "data(icon)", "background-fit": "contain", "background-opacity": 0, "border-width": 0,
        width: 34, height: 34, label: "data(label)", "font-size": 11, "text-valign": "bottom", "text-margin-y": 3, "text-background-color": "#fff",
        "text-background-opacity": 0.8, "text-background-padding": 1 } },
      { selector: "node[kind = 'switch'], node[kind = 'router'], node[kind = 'box']", style: { width: 42, height: 42, "font-weight": "bold" } },
      { selector: "node:selected", style: { "border-width": 2, "border-color": "#1f5f99", "background-opacity": 0.1 } },
      { selector: "edge", style: { width: 2, "line-color": "data(colour)", "curve-style": "straight", label: "data(label)", "font-size": 9,
        "text-rotation": "autorotate", color: "#3b4a5a", "text-background-color": "#fff", "text-background-opacity": 0.8 } },
      { selector: "edge[trunk = 1]", style: { width: 4 } },
      { selector: "edge[state = 'down']", style: { "line-color": "#b3261e", "line-style": "dashed" } },
      { selector: "edge:selected", style: { "overlay-color": "#1f5f99", "overlay-opacity": 0.25, "overlay-padding": 4 } },
    ],
  });
  graph.on("tap", "node", (event) => onNode(map.nodes.find((n) => n.name === event.target.id())));
  graph.on("tap", "edge", (event) => onLink(map.links[event.target.data("index")]));
  return graph;
}

/** The VLANs and their colours, for the legend. */
function legendItems(map) {
  return map.vlans.map((v) => ({ colour: vlanColour(map, v.id), text: `${v.id} ${v.name} ${v.subnet}` }));
}
