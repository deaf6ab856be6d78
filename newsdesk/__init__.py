"""newsdesk: a self-hostable, AI-assisted news portal."""
