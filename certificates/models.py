"""Certificate models arrive with the certificates issue; the app is wired now
so that the dependency direction (certificates -> courses) is fixed from day one."""
