"""HTTP API for billing: assign-and-pay, preview, invoices, void, usage, /api/invoices."""
