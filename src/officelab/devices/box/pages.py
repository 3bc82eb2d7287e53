"""The admin page's HTML, in French: one layout, one function per page (every value escaped)."""

from __future__ import annotations

from html import escape
from typing import Any

from officelab.devices.box.settings import Settings

MENU = (
    ("/", "État"),
    ("/dhcp", "DHCP"),
    ("/nat", "Redirections de ports"),
    ("/wifi", "Wi-Fi"),
    ("/password", "Mot de passe"),
    ("/firmware", "Micrologiciel"),
)


def layout(title: str, body: str, model: str, *, menu: bool = True, message: str = "", error: str = "") -> str:
    nav = "".join(f'<a href="{href}">{escape(label)}</a> ' for href, label in MENU) if menu else ""
    logout = '<form method="post" action="/logout" style="display:inline"><button id="logout">Déconnexion</button></form>' if menu else ""
    notes = (f'<p class="ok" id="message">{escape(message)}</p>' if message else "") + (
        f'<p class="error" id="error">{escape(error)}</p>' if error else ""
    )
    return f"""<!doctype html>
<html lang="fr"><head><meta charset="utf-8"><title>{escape(title)} — {escape(model)}</title>
<style>body{{font-family:sans-serif;margin:2em;max-width:50em}} nav a{{margin-right:1em}} table{{border-collapse:collapse}}
td,th{{border:1px solid #999;padding:.3em .6em}} .ok{{color:#060}} .error{{color:#a00}}</style></head>
<body><header><strong>{escape(model)}</strong> <nav>{nav}{logout}</nav></header>
<h1>{escape(title)}</h1>{notes}{body}</body></html>
"""


def login(model: str, error: str = "") -> str:
    body = """<form method="post" action="/login">
<label>Mot de passe administrateur <input type="password" name="password" id="password" autofocus></label>
<button type="submit" id="login">Se connecter</button></form>
<p>Le mot de passe d'usine est inscrit sur l'étiquette de la box.</p>"""
    return layout("Connexion", body, model, menu=False, error=error)


def _rows(rows: list[tuple[str, str]]) -> str:
    return "<table>" + "".join(f"<tr><th>{escape(k)}</th><td>{escape(v)}</td></tr>" for k, v in rows) + "</table>"


def status(model: str, wan: dict[str, str], up: str, lan: str, message: str = "", error: str = "") -> str:
    rows = [
        ("Lien WAN", wan["link"]),
        ("Adresse WAN", wan["address"]),
        ("Passerelle", wan["gateway"]),
        ("Adresse LAN", lan),
        ("En service depuis", up),
    ]
    return layout("État de la connexion", '<div id="wan">' + _rows(rows) + "</div>", model, message=message, error=error)


def dhcp(model: str, s: Settings, leases: list[dict[str, str]], message: str = "", error: str = "") -> str:
    form = f"""<form method="post" action="/dhcp">
<label>Début de plage <input name="start" id="start" value="{escape(s.dhcp_start)}"></label>
<label>Fin de plage <input name="end" id="end" value="{escape(s.dhcp_end)}"></label>
<label>Durée du bail <input name="lease" id="lease" value="{escape(s.dhcp_lease)}"></label>
<button type="submit" id="save-dhcp">Enregistrer</button></form>"""
    table = "".join(
        f"<tr><td>{escape(x['address'])}</td><td>{escape(x['mac'])}</td><td>{escape(x['name'])}</td><td>{escape(x['left'])}</td></tr>"
        for x in leases
    )
    body = (
        form
        + '<h2>Baux en cours</h2><table id="leases"><tr><th>Adresse</th><th>MAC</th><th>Nom</th><th>Reste</th></tr>'
        + table
        + "</table>"
    )
    return layout("Serveur DHCP", body, model, message=message, error=error)


def nat(model: str, s: Settings, message: str = "", error: str = "") -> str:
    rows = "".join(
        f"<tr><td>{escape(f.name)}</td><td>{f.proto}</td><td>{f.port}</td><td>{escape(f.to)}</td><td>{f.to_port}</td>"
        f'<td><form method="post" action="/nat/remove"><input type="hidden" name="name" value="{escape(f.name)}">'
        f'<button id="remove-{escape(f.name)}">Supprimer</button></form></td></tr>'
        for f in s.forwards
    )
    head = "<tr><th>Nom</th><th>Protocole</th><th>Port public</th><th>Appareil</th><th>Port</th><th></th></tr>"
    body = f"""<table id="forwards">{head}{rows}</table>
<h2>Ajouter une redirection</h2><form method="post" action="/nat/add">
<label>Nom <input name="name" id="fwd-name"></label>
<label>Protocole <select name="proto" id="fwd-proto"><option>tcp</option><option>udp</option></select></label>
<label>Port public <input name="port" id="fwd-port"></label>
<label>Adresse de l'appareil <input name="to" id="fwd-to"></label>
<label>Port de l'appareil <input name="to_port" id="fwd-to-port"></label>
<button type="submit" id="add-forward">Ajouter</button></form>"""
    return layout("Redirections de ports (NAT)", body, model, message=message, error=error)


def password(model: str, message: str = "", error: str = "") -> str:
    body = """<form method="post" action="/password">
<label>Mot de passe actuel <input type="password" name="current" id="current"></label>
<label>Nouveau mot de passe <input type="password" name="new" id="new"></label>
<label>Confirmation <input type="password" name="confirm" id="confirm"></label>
<button type="submit" id="change-password">Changer le mot de passe</button></form>"""
    return layout("Mot de passe administrateur", body, model, message=message, error=error)


def wifi(model: str, s: Settings, message: str = "", error: str = "") -> str:
    body = f"""<form method="post" action="/wifi">
<label>Nom du réseau (SSID) <input name="ssid" id="ssid" value="{escape(s.ssid)}"></label>
<label>Clé WPA2 <input type="password" name="key" id="key" value="{escape(s.wifi_key)}"></label>
<button type="submit" id="save-wifi">Enregistrer</button></form>"""
    return layout("Wi-Fi", body, model, message=message, error=error)


def firmware(model: str, fw: dict[str, Any], message: str = "", error: str = "") -> str:
    rows = [("Modèle", fw["model"]), ("Version du micrologiciel", fw["version"]), ("Numéro de série", fw["serial"])]
    return layout("Micrologiciel", '<div id="firmware">' + _rows(rows) + "</div>", model, message=message, error=error)
