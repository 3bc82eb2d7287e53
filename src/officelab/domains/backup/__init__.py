"""The backup domain: backups of the shares to a NAS."""
