"""The smallest site with mail: the ISP's core, a public DNS with the MX, the provider, a teleworker's home."""

SITE = """
site: {name: mailtest, domain: mailtest.lan}
nodes:
  - name: isp
    kind: isp
    interfaces:
      - {name: core, address: 203.0.113.1/24}
  - {name: inet-sw, kind: switch, ports: [{name: "p[1-4]"}]}
  - name: dns-public
    kind: public-server
    interfaces: [{name: eth0, address: 203.0.113.53/24, gateway: 203.0.113.1}]
    services:
      dns:
        zones:
          - name: example.com
            records:
              - {name: "@", type: MX, value: "10 mail.example.com"}
              - {name: mail, value: 203.0.113.25}
  - name: mail
    kind: public-server
    interfaces: [{name: eth0, address: 203.0.113.25/24, gateway: 203.0.113.1}]
  - name: home
    kind: remote-site
    interfaces: [{name: wan, address: 203.0.113.20/24, gateway: 203.0.113.1}]
mail:
  provider: mail
  domains: [example.com]
  mailboxes:
    - {address: alice@example.com, name: Alice, password: "Al'ice#2026"}   # a quote: s-nail's ~/.mailrc must quote it right
    - {address: bob@example.com, name: Bob, password: "Bob#2026x"}
links:
  - [isp:core, inet-sw:p1]
  - [dns-public:eth0, inet-sw:p2]
  - [mail:eth0, inet-sw:p3]
  - [home:wan, inet-sw:p4]
"""
