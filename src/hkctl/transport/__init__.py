"""The one HTTP choke point: every request hkctl sends goes through transport.client.HerokuClient."""
