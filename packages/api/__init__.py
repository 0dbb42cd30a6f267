"""HTTP API for packages: the six template endpoints, /api/assignments, customer packages."""
