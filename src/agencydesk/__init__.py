"""AgencyDesk: the client-service desk of agencies."""
