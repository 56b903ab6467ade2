# Health checks, the health view and VRRP arrive with issues 4, 6 and 7; nothing is built here yet.
