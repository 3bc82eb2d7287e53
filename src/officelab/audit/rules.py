"""The audit's rules: a documented subset of ANSSI's *Guide d'hygiène informatique* (v2.0, 2017, 42 measures) and
manufacturers' basics, each with its severity, its fix and the REAC criteria it evidences.

A measure is cited by its title as the guide words it; its number is given only where a source consulted for this
audit showed it next to the title (``number``), never guessed."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Severity(StrEnum):
    CRITICAL = "critique"
    HIGH = "élevée"
    MEDIUM = "moyenne"
    LOW = "faible"

    @property
    def rank(self) -> int:
        return list(Severity).index(self)

    def label(self, lang: str) -> str:
        return self.value if lang == "fr" else {"critique": "critical", "élevée": "high", "moyenne": "medium", "faible": "low"}[self]


@dataclass(frozen=True)
class Measure:
    """An ANSSI hygiene measure (its title in the guide; its number only where verified)."""

    title: str
    number: int | None = None

    def cite(self) -> str:
        return f"ANSSI n°{self.number} — {self.title}" if self.number else f"ANSSI — « {self.title} »"


DEFAULT_AUTH = Measure("Changer les éléments d'authentification par défaut sur les équipements et services")
PASSWORD_RULES = Measure("Définir et vérifier des règles de choix et de dimensionnement des mots de passe")
SECURE_PROTOCOLS = Measure("Utiliser des protocoles réseaux sécurisés dès qu'ils existent")
SEGMENT = Measure("Segmenter le réseau et mettre en place un cloisonnement entre ces zones")
ADMIN_NETWORK = Measure("Utiliser un réseau dédié et cloisonné pour l'administration du système d'information")
BACKUPS = Measure("Définir et appliquer une politique de sauvegarde des composants critiques")
NAMED_ROLES = Measure("Identifier nommément chaque personne accédant au système et distinguer les rôles utilisateur/administrateur", 8)
KNOWN_DEVICES = Measure("Autoriser la connexion au réseau de l'entité aux seuls équipements maîtrisés", 7)
"""Measures 4, 7 and 8's numbers and titles are as ANSSI's list shows them (blog.lockself.com's table of the 42)."""

PASSWORD_MINIMUM = 12
"""Characters: ANSSI's MonServiceSécurisé, « Fixer des contraintes de longueur et de complexité des mots de passe »
(aide.monservicesecurise.cyber.gouv.fr): 12 minimum for users (16 for administrators), with the four classes."""

SECURITY = ("TRI-CP1-C4", "TRI-CP4-C3", "TRI-CP7-C4", "TAI-CP4-C1")
"""The REAC criteria the audit evidences, each rule the ones of its competency: basic security measures respected
when connecting a device (TRI-CP1-C4), the security policy of a secured enterprise network (TRI-CP4-C3), security
recommendations applied to video and building automation (TRI-CP7-C4), a device's and its data's security
(TAI-CP4-C1)."""


@dataclass(frozen=True)
class Rule:
    id: str
    fr: str
    en: str
    measure: Measure
    severity: Severity
    probe_fr: str
    probe_en: str
    fix_fr: str
    fix_en: str
    criteria: tuple[str, ...]

    def title(self, lang: str) -> str:
        return self.fr if lang == "fr" else self.en

    def fix(self, lang: str) -> str:
        return self.fix_fr if lang == "fr" else self.fix_en

    def probed(self, lang: str) -> str:
        return self.probe_fr if lang == "fr" else self.probe_en


RULES: tuple[Rule, ...] = (
    Rule(
        "switch-default-credentials",
        "Compte par défaut ou faible sur la ligne de commande d'un commutateur",
        "Default or weak account on a switch's command line",
        DEFAULT_AUTH,
        Severity.CRITICAL,
        "connexion SSH réelle (sonde ssh-cli) depuis un poste du VLAN d'administration, avec une liste de couples par défaut",
        "a real SSH login (ssh-cli probe) from a host of the management VLAN, with a list of default pairs",
        "supprimer le compte ou lui donner un secret long et unique (username … secret …), write memory",
        "remove the account or give it a long, unique secret (username … secret …), write memory",
        ("TRI-CP1-C4", "TRI-CP4-C3", "TAI-CP4-C1"),
    ),
    Rule(
        "ssh-default-credentials",
        "Un accès SSH accepte un identifiant par défaut (mode terrain)",
        "An SSH service accepts a default login (field mode)",
        DEFAULT_AUTH,
        Severity.CRITICAL,
        "authentification SSH réelle par mot de passe, avec une liste de couples par défaut",
        "a real SSH password authentication, with a list of default pairs",
        "changer le mot de passe du compte, ou le supprimer, sur l'équipement",
        "change the account's password, or remove it, on the device",
        ("TRI-CP1-C4", "TAI-CP4-C1"),
    ),
    Rule(
        "mqtt-anonymous",
        "Le broker MQTT accepte une connexion anonyme",
        "The MQTT broker accepts an anonymous client",
        DEFAULT_AUTH,
        Severity.CRITICAL,
        "MQTT CONNECT réel sans identifiant (sonde mqtt), en TLS sur 8883 et en clair sur 1883",
        "a real MQTT CONNECT without credentials (mqtt probe), over TLS on 8883 and in clear on 1883",
        "allow_anonymous false, un mot de passe par client (password_file) et des ACL",
        "allow_anonymous false, one password per client (password_file) and ACLs",
        ("TRI-CP7-C4", "TRI-CP1-C4"),
    ),
    Rule(
        "camera-default-credentials",
        "Mot de passe par défaut ou faible sur le flux RTSP d'une caméra",
        "Default or weak password on a camera's RTSP stream",
        DEFAULT_AUTH,
        Severity.CRITICAL,
        "RTSP DESCRIBE réel (sonde rtsp, ffprobe) avec une liste de mots de passe par défaut",
        "a real RTSP DESCRIBE (rtsp probe, ffprobe) with a list of default passwords",
        "changer le mot de passe de la caméra (et celui de l'enregistreur qui la lit)",
        "change the camera's password (and the recorder's copy of it)",
        ("TRI-CP7-C4", "TRI-CP1-C4"),
    ),
    Rule(
        "ad-admin-weak-password",
        "Le mot de passe de l'administrateur du domaine est dans une liste de mots de passe faibles",
        "The domain administrator's password is in a list of weak passwords",
        PASSWORD_RULES,
        Severity.CRITICAL,
        "bind LDAP réel en Administrator avec quelques mots de passe faibles (trois essais, pour ne rien verrouiller)",
        "a real LDAP bind as Administrator with a few weak passwords (three attempts, so nothing locks)",
        "samba-tool user setpassword Administrator, un mot de passe de 16 caractères ou plus",
        "samba-tool user setpassword Administrator, a password of 16 characters or more",
        ("TRI-CP4-C3", "TAI-CP4-C1"),
    ),
    Rule(
        "print-admin-open",
        "Le serveur d'impression accepte les opérations d'administration sans authentification",
        "The print server accepts administration operations without authentication",
        NAMED_ROLES,
        Severity.HIGH,
        "opération IPP d'administration réelle CUPS-Get-Devices (lpinfo -h SERVEUR -v) depuis un poste d'utilisateur, sans identifiant",
        "a real IPP administration operation, CUPS-Get-Devices (lpinfo -h SERVER -v), from a user's device, without credentials",
        "dans cupsd.conf, une <Policy default> dont les opérations CUPS-Add-Modify-*, CUPS-Delete-*, CUPS-Get-Devices "
        "exigent AuthType Default et Require user @SYSTEM",
        "in cupsd.conf, a <Policy default> whose CUPS-Add-Modify-*, CUPS-Delete-*, CUPS-Get-Devices operations "
        "require AuthType Default and Require user @SYSTEM",
        ("TRI-CP1-C4", "TAI-CP4-C1"),
    ),
    Rule(
        "cleartext-service",
        "Un protocole en clair est offert (telnet, FTP, MQTT 1883, HTTP d'administration)",
        "A clear-text protocol is offered (telnet, FTP, MQTT 1883, admin HTTP)",
        SECURE_PROTOCOLS,
        Severity.HIGH,
        "les sockets en écoute du nœud (ss -ltn sur le nœud), puis une connexion TCP réelle au port",
        "the node's listening sockets (ss -ltn on the node), then a real TCP connection to the port",
        "arrêter le service en clair et utiliser son équivalent chiffré (SSH, SFTP, MQTT sur TLS 8883, HTTPS)",
        "stop the clear-text service and use its encrypted equivalent (SSH, SFTP, MQTT over TLS 8883, HTTPS)",
        ("TRI-CP1-C4", "TRI-CP4-C3", "TAI-CP4-C1"),
    ),
    Rule(
        "port-outside-design",
        "Un port en écoute ne correspond à aucun service prévu par le site",
        "A listening port matches no service the site designs",
        Measure("Identifier les informations et serveurs les plus sensibles et maintenir un schéma du réseau", 4),
        Severity.MEDIUM,
        "les sockets en écoute du nœud (ss -ltn sur le nœud), comparés aux services que le fichier de site lui donne",
        "the node's listening sockets (ss -ltn on the node), against the services the site file gives it",
        "arrêter le service imprévu, ou l'ajouter au dossier du site (le schéma et l'inventaire) s'il est voulu",
        "stop the unplanned service, or add it to the site's file (the map and the inventory) if it is wanted",
        ("TRI-CP1-C4", "TAI-CP4-C1"),
    ),
    Rule(
        "firewall-allows-cleartext",
        "Le pare-feu laisse passer un protocole en clair",
        "The firewall lets a clear-text protocol through",
        SECURE_PROTOCOLS,
        Severity.LOW,
        "le jeu de règles en service du pare-feu (nft list chain inet officelab forward sur le routeur)",
        "the firewall's running ruleset (nft list chain inet officelab forward on the router)",
        "retirer le port en clair de la règle (garder son équivalent chiffré, ex. 8883 pour MQTT)",
        "remove the clear-text port from the rule (keep its encrypted equivalent, e.g. 8883 for MQTT)",
        ("TRI-CP4-C3",),
    ),
    Rule(
        "ldap-simple-bind-cleartext",
        "Le contrôleur de domaine accepte un bind LDAP simple sans TLS",
        "The domain controller accepts an LDAP simple bind without TLS",
        SECURE_PROTOCOLS,
        Severity.HIGH,
        "bind LDAP simple réel (ldap3) sur le port 389, sans StartTLS",
        "a real LDAP simple bind (ldap3) on port 389, without StartTLS",
        "ldap server require strong auth = yes dans smb.conf du DC, puis LDAPS (636) pour les applications",
        "ldap server require strong auth = yes in the DC's smb.conf, then LDAPS (636) for applications",
        ("TRI-CP4-C3", "TAI-CP4-C1"),
    ),
    Rule(
        "smb1",
        "Le serveur accepte SMBv1",
        "The server accepts SMBv1",
        SECURE_PROTOCOLS,
        Severity.HIGH,
        "négociation SMB1 réelle (smbclient -m NT1 -N -L)",
        "a real SMB1 negotiation (smbclient -m NT1 -N -L)",
        "server min protocol = SMB2_10 dans smb.conf",
        "server min protocol = SMB2_10 in smb.conf",
        ("TRI-CP4-C3", "TAI-CP4-C1"),
    ),
    Rule(
        "admin-from-user-vlan",
        "Une interface d'administration est joignable depuis un VLAN d'utilisateurs ou d'invités",
        "An admin interface is reachable from a user or guest VLAN",
        ADMIN_NETWORK,
        Severity.HIGH,
        "connexion TCP réelle (sonde tcp) depuis un poste du VLAN vers SSH/telnet/HTTP des équipements et du pare-feu",
        "a real TCP connection (tcp probe) from a host of the VLAN to the devices' and the firewall's SSH/telnet/HTTP",
        "filtrer ces ports au pare-feu (entrée et transit) : seuls les postes du VLAN d'administration y accèdent",
        "filter these ports at the firewall (input and forward): only the management VLAN's hosts reach them",
        ("TRI-CP4-C3",),
    ),
    Rule(
        "guest-isolation",
        "Un poste invité atteint un VLAN interne",
        "A guest host reaches an internal VLAN",
        SEGMENT,
        Severity.HIGH,
        "connexion TCP réelle depuis un poste du VLAN invités vers chaque service en écoute des VLAN internes",
        "a real TCP connection from a guest host to each listening service of the internal VLANs",
        "politique du pare-feu : invités vers internet seulement (reject vers les zones internes)",
        "firewall policy: guests to the internet only (reject towards the internal zones)",
        ("TRI-CP4-C3",),
    ),
    Rule(
        "unused-port-enabled",
        "Des ports de commutateur sans câble sont laissés actifs",
        "Switch ports with no cable are left enabled",
        KNOWN_DEVICES,
        Severity.MEDIUM,
        "show interfaces status lu sur le commutateur en SSH (sonde switch-show) : ports d'accès notconnect",
        "show interfaces status read on the switch over SSH (switch-show probe): access ports notconnect",
        "interface range … / shutdown sur les ports inutilisés, write memory",
        "interface range … / shutdown on the unused ports, write memory",
        ("TRI-CP1-C4", "TRI-CP4-C3"),
    ),
    Rule(
        "password-policy",
        "La politique de mots de passe du domaine est sous le minimum recommandé",
        "The domain's password policy is below the recommended minimum",
        PASSWORD_RULES,
        Severity.MEDIUM,
        f"samba-tool domain passwordsettings show sur le DC, comparé à {PASSWORD_MINIMUM} caractères et complexité",
        f"samba-tool domain passwordsettings show on the DC, against {PASSWORD_MINIMUM} characters and complexity",
        f"samba-tool domain passwordsettings set --min-pwd-length={PASSWORD_MINIMUM} --complexity=on",
        f"samba-tool domain passwordsettings set --min-pwd-length={PASSWORD_MINIMUM} --complexity=on",
        ("TRI-CP4-C3", "TAI-CP4-C1"),
    ),
    Rule(
        "backup-not-restorable",
        "Une sauvegarde est absente ou ne se restaure pas",
        "A backup is missing or does not restore",
        BACKUPS,
        Severity.HIGH,
        "la restauration réelle de la dernière sauvegarde, comparée octet par octet (le script verify du job)",
        "a real restore of the latest snapshot, compared byte for byte (the job's verify script)",
        "réparer le job (officelab backup run), puis tester la restauration régulièrement",
        "repair the job (officelab backup run), then test the restore regularly",
        ("TAI-CP4-C1",),
    ),
)

BY_ID = {r.id: r for r in RULES}

DEFAULT_PAIRS: tuple[tuple[str, str], ...] = (
    ("admin", "admin"),
    ("cisco", "cisco"),
    ("admin", "password"),
    ("admin", "1234"),
    ("root", "root"),
)
"""Manufacturers' default and weak logins the audit tries on a switch (Cisco's cisco/cisco, the usual admin/admin)."""

CAMERA_PASSWORDS = ("admin", "12345", "password")
AD_WEAK_PASSWORDS = ("Password1", "Admin123!", "P@ssw0rd")
"""Three only: a real domain may lock the account after a few failures."""

CLEARTEXT_PORTS = {21: "FTP", 23: "telnet", 1883: "MQTT", 110: "POP3", 143: "IMAP"}
ADMIN_HTTP_PORTS = {80: "HTTP", 8080: "HTTP"}
"""HTTP counts as an admin page on a device that is not a web server (a switch, a camera, a printer, the router)."""
ADMIN_PORTS = {22: "SSH", 23: "telnet", 80: "HTTP", 443: "HTTPS"}
