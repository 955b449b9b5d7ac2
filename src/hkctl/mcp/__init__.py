"""hkctl as an MCP server: one tool table over resources/ and workflows/, behind the same guard."""
