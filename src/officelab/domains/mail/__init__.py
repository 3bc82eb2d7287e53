"""Mail: a provider on the emulated internet (Postfix and Dovecot), the site's mailboxes and their checks."""
