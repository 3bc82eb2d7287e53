"""Switch and access-point command lines: an IOS-like CLI over SSH on each managed switch, and the TFTP server
configurations are backed up to."""
