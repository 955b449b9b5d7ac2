"""The sandbox: a local emulator of the Heroku Platform API, the Postgres API and log sessions."""
