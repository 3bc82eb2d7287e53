"""OfficeLab's REST API: accounts and roles, and routes over what the CLI does (the web workbench's server)."""
