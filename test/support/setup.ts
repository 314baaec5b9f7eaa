// Integration tests drive real servers and workflows; crash tests wait for Temporal's activity timeouts.
jest.setTimeout(180_000);
