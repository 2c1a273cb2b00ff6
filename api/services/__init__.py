"""The service's logic, called by the thin routes in ``api/routes``."""
