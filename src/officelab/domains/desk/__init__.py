"""The service desk: tickets (ITIL priority, life cycle, SLA clocks), worked on a lab or a real site."""
