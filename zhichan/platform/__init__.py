"""Platform: workflow database, accounts, organizations and scope, audit, jobs."""
