// The workbench's words, French first (the titles are French), English switchable.
"use strict";
const WORDS = {
  fr: {
    "login.intro": "Le banc de travail du réseau de votre TPE : connectez-vous.",
    "login.name": "Compte", "login.password": "Mot de passe", "login.submit": "Se connecter",
    "lab": "Lab", "logout": "Déconnexion", "refresh": "Actualiser",
    "tab.topology": "Topologie", "tab.consoles": "Consoles", "tab.recette": "Recette", "tab.exercise": "Exercice", "tab.class": "Classe",
    "lab.up": "Démarrer", "lab.down": "Arrêter", "lab.none": "aucun lab : démarrez un site",
    "lab.starting": "Démarrage du lab {lab} ({site})…", "lab.stopping": "Arrêt du lab {lab}…", "lab.started": "Lab {lab} démarré",
    "map.hint": "Cliquez sur un équipement pour ses adresses, services et ports, ou sur un câble pour le débrancher ou capturer dessus.",
    "map.loading": "Chargement de la topologie…",
    "node.kind": "Type", "node.state": "État", "node.addresses": "Adresses", "node.design": "Interfaces prévues", "node.daemons": "Services",
    "node.ports": "Ports", "node.console": "Console", "node.recette": "Recette de cet équipement", "port.mode": "mode", "port.vlan": "VLAN", "port.peer": "relié à",
    "link.title": "Câble", "link.state": "État", "link.vlans": "VLAN", "link.trunk": "trunk 802.1Q", "link.access": "accès",
    "link.pull": "Débrancher le câble", "link.plug": "Rebrancher le câble", "link.capture": "Capturer (pcap, 5 s)",
    "link.pulled": "Câble {end} débranché", "link.plugged": "Câble {end} rebranché", "link.captured": "Capture {file} : {what}",
    "up": "actif", "down": "coupé", "degraded": "dégradé", "missing": "absent",
    "console.node": "Équipement", "console.open": "Ouvrir une console",
    "console.help": "Copier : Ctrl+Maj+C — Coller : Ctrl+Maj+V — plusieurs consoles côte à côte",
    "console.closed": "[console fermée : {why}]", "console.watch": "lecture seule",
    "recette.run": "Lancer la recette", "recette.report": "Rapport imprimable", "recette.running": "Recette en cours : {n} vérifications faites…",
    "recette.done": "Recette terminée en {s} s", "recette.blocked_by": "bloquée par", "recette.not_built": "Non construites", "recette.of": "Recette de {node} (ses vérifications et ce dont elles dépendent)",
    "pass": "réussies", "fail": "échouées", "blocked": "bloquées",
    "ex.none": "Aucun exercice en cours sur ce lab.", "ex.choose": "Choisir un scénario", "ex.start": "Commencer l'exercice",
    "ex.starting": "Préparation de l'exercice {id} (démarrage du lab, état de départ)…",
    "ex.goals": "Objectifs", "ex.points": "pts", "ex.check": "Vérifier mon travail", "ex.hint": "Un indice", "ex.submit": "Rendre le travail",
    "ex.hints_left": "indices restants : {n}", "ex.time": "Temps écoulé : {m} min", "ex.left": "Temps restant : {m} min",
    "ex.reached": "{n}/{t} objectifs atteints", "ex.journal": "Mon journal", "ex.submitted": "Travail rendu",
    "ex.no_more": "plus d'indice",
    "class.name": "Classe", "class.export": "Exporter les grilles (CSV)", "class.none": "aucune classe démarrée (officelab class start)",
    "class.learner": "Apprenant", "class.up": "Lab", "class.goals": "Objectifs", "class.score": "Note", "class.last": "Dernière activité",
    "class.commands": "Commandes", "class.hints": "Indices", "class.submitted": "Rendu", "class.watch": "Voir sa console",
    "class.fault": "Injecter une panne", "class.inject": "Injecter", "class.params": "paramètres (JSON)", "class.hidden": "cachée",
    "class.no_console": "{learner} n'a pas de console ouverte", "class.injected": "Panne {id} injectée dans le lab de {lab}",
    "yes": "oui", "no": "non", "ago": "il y a {m} min",
  },
  en: {
    "login.intro": "The workbench of your small business's network: log in.",
    "login.name": "Account", "login.password": "Password", "login.submit": "Log in",
    "lab": "Lab", "logout": "Log out", "refresh": "Refresh",
    "tab.topology": "Topology", "tab.consoles": "Consoles", "tab.recette": "Acceptance", "tab.exercise": "Exercise", "tab.class": "Class",
    "lab.up": "Start", "lab.down": "Stop", "lab.none": "no lab: start a site",
    "lab.starting": "Starting lab {lab} ({site})…", "lab.stopping": "Stopping lab {lab}…", "lab.started": "Lab {lab} started",
    "map.hint": "Click a device for its addresses, services and ports, or a cable to pull it out or capture on it.",
    "map.loading": "Loading the topology…",
    "node.kind": "Kind", "node.state": "State", "node.addresses": "Addresses", "node.design": "Planned interfaces", "node.daemons": "Services",
    "node.ports": "Ports", "node.console": "Console", "node.recette": "Acceptance tests of this device", "port.mode": "mode", "port.vlan": "VLAN", "port.peer": "cabled to",
    "link.title": "Cable", "link.state": "State", "link.vlans": "VLANs", "link.trunk": "802.1Q trunk", "link.access": "access",
    "link.pull": "Pull the cable out", "link.plug": "Plug the cable back", "link.capture": "Capture (pcap, 5 s)",
    "link.pulled": "Cable {end} pulled out", "link.plugged": "Cable {end} plugged back", "link.captured": "Capture {file}: {what}",
    "up": "up", "down": "down", "degraded": "degraded", "missing": "missing",
    "console.node": "Device", "console.open": "Open a console",
    "console.help": "Copy: Ctrl+Shift+C — Paste: Ctrl+Shift+V — several consoles side by side",
    "console.closed": "[console closed: {why}]", "console.watch": "read-only",
    "recette.run": "Run the acceptance tests", "recette.report": "Printable report", "recette.running": "Running: {n} checks done…",
    "recette.done": "Done in {s} s", "recette.blocked_by": "blocked by", "recette.not_built": "Not built", "recette.of": "Acceptance tests of {node} (its checks and what they need)",
    "pass": "passed", "fail": "failed", "blocked": "blocked",
    "ex.none": "No exercise runs on this lab.", "ex.choose": "Choose a scenario", "ex.start": "Start the exercise",
    "ex.starting": "Preparing exercise {id} (booting the lab, making its start state)…",
    "ex.goals": "Goals", "ex.points": "pts", "ex.check": "Check my work", "ex.hint": "A hint", "ex.submit": "Hand in",
    "ex.hints_left": "hints left: {n}", "ex.time": "Time spent: {m} min", "ex.left": "Time left: {m} min",
    "ex.reached": "{n}/{t} goals reached", "ex.journal": "My journal", "ex.submitted": "Handed in",
    "ex.no_more": "no more hints",
    "class.name": "Class", "class.export": "Export the grids (CSV)", "class.none": "no class started (officelab class start)",
    "class.learner": "Learner", "class.up": "Lab", "class.goals": "Goals", "class.score": "Grade", "class.last": "Last activity",
    "class.commands": "Commands", "class.hints": "Hints", "class.submitted": "Handed in", "class.watch": "Watch their console",
    "class.fault": "Inject a fault", "class.inject": "Inject", "class.params": "parameters (JSON)", "class.hidden": "hidden",
    "class.no_console": "{learner} has no console open", "class.injected": "Fault {id} injected into {lab}'s lab",
    "yes": "yes", "no": "no", "ago": "{m} min ago",
  },
};

let LANG = localStorage.getItem("officelab.lang") || "fr";

/** The word for ``key`` in the current language, with {name} filled from ``values`` (as text, never markup). */
function t(key, values = {}) {
  const text = (WORDS[LANG] && WORDS[LANG][key]) || WORDS.fr[key] || key;
  return text.replace(/\{(\w+)\}/g, (_, name) => (name in values ? String(values[name]) : `{${name}}`));
}

/** Put the words of the current language on every element marked ``data-t``. */
function translatePage() {
  document.documentElement.lang = LANG;
  for (const el of document.querySelectorAll("[data-t]")) el.textContent = t(el.dataset.t);
  for (const el of document.querySelectorAll(".lang")) el.classList.toggle("active", el.dataset.lang === LANG);
}
