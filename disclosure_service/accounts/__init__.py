"""Forces (tenants) and the staff accounts that belong to them."""
