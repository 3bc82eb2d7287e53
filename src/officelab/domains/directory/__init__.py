"""The directory domain: Active Directory: domain controller, users, groups, computers."""
