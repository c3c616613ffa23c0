"""Staff accounts (admins, programme staff, counsellors) and the audit log."""
