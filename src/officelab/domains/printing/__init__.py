"""The printing domain: print server queues and IPP printers."""
