"""Groups and outreach: group applicants, outreach sessions, and counting the people served."""
