"""PostgreSQL: the embedded server, engines and transactions, migrations, roles and grants."""
